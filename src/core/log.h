// A deliberately small logger: one line per event on stderr ("2026-11-23T10:00:00Z WARN auth:
// ..."). Tests swap the sink to capture lines (for example to prove a token never reaches a log).
#pragma once

#include <functional>
#include <string>
#include <string_view>

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

inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace noisett
