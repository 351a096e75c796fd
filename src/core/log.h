// A deliberately small logger: one line per event on stderr ("2026-11-23T10:00:00Z WARN auth:
// ..."). Tests swap the sink to capture lines (for example to prove a token never reaches a log).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace noisett {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

std::string_view LogLevelName(LogLevel level);

// Receives the level and the finished message (without timestamp or newline).
using LogSink = std::function<void(LogLevel, std::string_view)>;

// Replaces the process-wide sink; an empty function restores stderr. Returns the previous sink.
LogSink SetLogSink(LogSink sink);

// Lines below this level are dropped (default kInfo; NOISETT_LOG_LEVEL=debug|info|warn|error).
void SetLogLevel(LogLevel level);

void Log(LogLevel level, std::string_view message);

// Lines that one writer gathers and hands over together (Flush): stderr gets them in one write
// where Log makes one write per line; an installed sink still gets them one by one. Each line is
// stamped when it is started, not when it is flushed. Not thread-safe: one writer at a time.
class LogBuffer final {
 public:
  // Where to append the message of a new line at `level` (no newline); nullptr when the level is
  // below the log level (the line is dropped). REQUIRES: EndLine before the next StartLine.
  std::string* StartLine(LogLevel level);
  void EndLine();
  bool empty() const { return lines_.empty(); }
  size_t bytes() const { return text_.size(); }
  // Writes every line, then empties the buffer (its memory is kept for the next lines).
  void Flush();
  void Swap(LogBuffer& other) noexcept;

 private:
  struct Line {
    LogLevel level;
    uint32_t message_begin;  // in text_, after the stamp and level
    uint32_t end;            // the newline's position
  };
  std::string text_;  // the lines as stderr gets them: "STAMP LEVEL message\n" each
  std::vector<Line> lines_;
};

inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace noisett
