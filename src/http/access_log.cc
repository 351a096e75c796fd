// Access-log lines and their buffering.
#include "http/access_log.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <utility>

namespace noisett::http {
namespace {

constexpr size_t kMaxValueChars = 256;
// A buffer past this size is written by its own thread at once (about 250 lines).
constexpr size_t kFlushBytes = 64 * 1024;
constexpr auto kFlushInterval = std::chrono::seconds(1);

// What a byte asks of a value: kEscape, written as \xNN (everything but printable ASCII, and
// quote and backslash); kSpace, the value is quoted.
constexpr uint8_t kEscape = 1;
constexpr uint8_t kSpace = 2;
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') classes[c] = kEscape;
    if (c == ' ') classes[c] = kSpace;
  }
  return classes;
}();

// Printable ASCII except quote and backslash stays; everything else becomes \xNN. Values with
// spaces are quoted, so "key=value" pairs always split unambiguously.
void AppendValue(std::string* out, std::string_view value) {
  const std::string_view shown = value.substr(0, kMaxValueChars);
  // One look at every byte first: almost every value (a path, an id) is copied as it is.
  uint8_t seen = 0;
  for (char c : shown) seen |= kByteClass[static_cast<unsigned char>(c)];
  const bool quote = shown.empty() || (seen & kSpace) != 0;
  if (quote) out->push_back('"');
  if ((seen & kEscape) == 0) {
    out->append(shown);
    if (value.size() > kMaxValueChars) out->append("...");
    if (quote) out->push_back('"');
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  size_t clean = 0;  // the run of bytes that need no escape, appended at once
  for (size_t i = 0; i < shown.size(); ++i) {
    auto c = static_cast<unsigned char>(shown[i]);
    if ((kByteClass[c] & kEscape) != 0) {
      out->append(shown.substr(clean, i - clean));
      const char escaped[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xF]};
      out->append(escaped, sizeof escaped);
      clean = i + 1;
    }
  }
  out->append(shown.substr(clean));
  if (value.size() > kMaxValueChars) out->append("...");
  if (quote) out->push_back('"');
}

void AppendField(std::string* out, std::string_view key, std::string_view value) {
  out->push_back(' ');
  out->append(key);
  out->push_back('=');
  AppendValue(out, value);
}

std::atomic<uint64_t> next_log_id{1};

}  // namespace

std::string_view PathOnly(std::string_view target) {
  return target.substr(0, std::min(target.find('?'), target.find('#')));
}

void AppendAccessLine(std::string* out, const AccessEntry& e) {
  // The fields in order, numbers already in text.
  char status[24], bytes_in[24], bytes_out[24], ms[32];
  auto number = [](char* buffer, uint64_t n) {
    return std::string_view(buffer, size_t(std::to_chars(buffer, buffer + 24, n).ptr - buffer));
  };
  auto [ms_end, ms_ec] =
      std::to_chars(ms, ms + sizeof ms, e.latency_ms, std::chars_format::fixed, 2);
  const std::pair<std::string_view, std::string_view> fields[] = {
      {"id", e.request_id},
      {"method", e.method},
      {"path", PathOnly(e.path)},
      {"route", e.route.empty() ? "-" : e.route},
      {"status", number(status, static_cast<uint64_t>(e.status))},
      {"bytes_in", number(bytes_in, e.bytes_in)},
      {"bytes_out", number(bytes_out, e.bytes_out)},
      {"ms", ms_ec == std::errc() ? std::string_view(ms, size_t(ms_end - ms)) : "-"},
      {"remote", e.remote.empty() ? "-" : e.remote},
      {"user", e.user.empty() ? "-" : e.user},
      {"error", e.error},  // only when there is one
  };
  const size_t count = e.error.empty() ? std::size(fields) - 1 : std::size(fields);
  // Most lines need neither quotes nor escapes: then the line is sized once and copied in.
  size_t size = 6;  // "access"
  bool plain = true;
  for (size_t i = 0; i < count && plain; ++i) {
    const std::string_view value = fields[i].second;
    uint8_t seen = 0;
    for (char c : value) seen |= kByteClass[static_cast<unsigned char>(c)];
    plain = seen == 0 && !value.empty() && value.size() <= kMaxValueChars;
    size += fields[i].first.size() + value.size() + 2;  // " key=value"
  }
  if (!plain) {
    out->append("access");
    for (size_t i = 0; i < count; ++i) AppendField(out, fields[i].first, fields[i].second);
    return;
  }
  const size_t at = out->size();
  out->resize(at + size);
  char* p = out->data() + at;
  p = std::copy_n("access", 6, p);
  for (size_t i = 0; i < count; ++i) {
    *p++ = ' ';
    p = std::copy(fields[i].first.begin(), fields[i].first.end(), p);
    *p++ = '=';
    p = std::copy(fields[i].second.begin(), fields[i].second.end(), p);
  }
}

std::string FormatAccessLine(const AccessEntry& entry) {
  std::string line;
  line.reserve(256);
  AppendAccessLine(&line, entry);
  return line;
}

struct AccessLog::Buffer {
  std::mutex mu;    // the writing thread's, and the flusher's once a second
  LogBuffer lines;  // GUARDED_BY(mu)
};

AccessLog::AccessLog() : id_(next_log_id.fetch_add(1)), flusher_([this] { FlushEverySecond(); }) {}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  flusher_.join();
  Flush();
}

AccessLog::Buffer& AccessLog::ThisThreadsBuffer() {
  // A thread may write to several logs over its life (tests start many servers), so its buffer is
  // remembered with the id of the log it belongs to; ids are never reused, addresses may be.
  thread_local uint64_t owner = 0;
  thread_local Buffer* buffer = nullptr;
  if (owner != id_) {
    std::lock_guard lock(mu_);
    buffers_.push_back(std::make_unique<Buffer>());
    buffer = buffers_.back().get();
    owner = id_;
  }
  return *buffer;
}

void AccessLog::Write(const AccessEntry& entry) {
  Buffer& buffer = ThisThreadsBuffer();
  LogBuffer full;
  {
    std::lock_guard lock(buffer.mu);
    std::string* out = buffer.lines.StartLine(LogLevel::kInfo);
    if (out == nullptr) return;
    AppendAccessLine(out, entry);
    buffer.lines.EndLine();
    if (buffer.lines.bytes() < kFlushBytes) return;
    full.Swap(buffer.lines);
  }
  full.Flush();  // outside the lock: the flusher never waits on this write
}

void AccessLog::Flush() {
  std::vector<Buffer*> buffers;
  {
    std::lock_guard lock(mu_);
    for (const auto& buffer : buffers_) buffers.push_back(buffer.get());
  }
  for (Buffer* buffer : buffers) {
    LogBuffer taken;
    {
      std::lock_guard lock(buffer->mu);
      taken.Swap(buffer->lines);
    }
    taken.Flush();
  }
}

void AccessLog::FlushEverySecond() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, kFlushInterval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace noisett::http
