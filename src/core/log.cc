// The process-wide log sink, guarded by a mutex so lines from many threads never interleave.
#include "core/log.h"

#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

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

LogLevel& Level() {
  static LogLevel level = LogLevel::kInfo;
  return level;
}

// The timestamp is formatted once per second (the server logs every request); the caller holds
// the sink mutex, so the cache needs no lock of its own.
std::string_view Stamp() {
  static std::time_t last = -1;
  static char stamp[32];
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
  Level() = level;
}

void Log(LogLevel level, std::string_view message) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  if (level < Level()) return;
  if (Sink()) {
    Sink()(level, message);
  } else {
    WriteStderr(level, message);
  }
}

}  // namespace noisett
