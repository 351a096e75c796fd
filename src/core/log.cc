// The process-wide log sink, guarded by a mutex so lines from many threads never interleave.
#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <utility>

namespace noisett {
namespace {

std::mutex& SinkMutex() {
  static std::mutex mu;
  return mu;
}

LogSink& Sink() {
  static LogSink sink;
  return sink;
}

// Read without the sink mutex by LogBuffer::StartLine, on every request.
std::atomic<LogLevel>& Level() {
  static std::atomic<LogLevel> level{LogLevel::kInfo};
  return level;
}

// The timestamp is formatted once per second (the server logs every request), in each thread's
// own cache, so it needs no lock.
std::string_view Stamp() {
  thread_local std::time_t last = -1;
  thread_local char stamp[32];
  const std::time_t now = std::time(nullptr);
  if (now != last) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
    last = now;
  }
  return stamp;
}

// One write per line: stderr is unbuffered, so the line is assembled first.
void WriteStderr(LogLevel level, std::string_view message) {
  std::string line;
  line.reserve(message.size() + 32);
  line.append(Stamp()).append(" ").append(LogLevelName(level)).append(" ").append(message);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarn: return "WARN";
    case LogLevel::kError: return "ERROR";
  }
  return "INFO";
}

LogSink SetLogSink(LogSink sink) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  std::swap(Sink(), sink);
  return sink;
}

void SetLogLevel(LogLevel level) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  Level().store(level);
}

void Log(LogLevel level, std::string_view message) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  if (level < Level().load()) return;
  if (Sink()) {
    Sink()(level, message);
  } else {
    WriteStderr(level, message);
  }
}

std::string* LogBuffer::StartLine(LogLevel level) {
  if (level < Level().load(std::memory_order_relaxed)) return nullptr;
  text_.append(Stamp()).append(" ").append(LogLevelName(level)).append(" ");
  lines_.push_back(Line{level, static_cast<uint32_t>(text_.size()), 0});
  return &text_;
}

void LogBuffer::EndLine() {
  lines_.back().end = static_cast<uint32_t>(text_.size());
  text_.push_back('\n');
}

void LogBuffer::Flush() {
  if (lines_.empty()) return;
  {
    std::lock_guard<std::mutex> lock(SinkMutex());
    if (Sink()) {
      const std::string_view text = text_;
      for (const Line& line : lines_) {
        Sink()(line.level, text.substr(line.message_begin, line.end - line.message_begin));
      }
    } else {
      std::fwrite(text_.data(), 1, text_.size(), stderr);
    }
  }
  text_.clear();
  lines_.clear();
}

void LogBuffer::Swap(LogBuffer& other) noexcept {
  text_.swap(other.text_);
  lines_.swap(other.lines_);
}

}  // namespace noisett
