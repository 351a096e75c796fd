// Strict parsing and encoding of link queries (see query_params.h).
#include "storage/query_params.h"

#include <algorithm>

#include "core/percent_encoding.h"

namespace noisett::storage {
namespace {

Error LinkRefusal(std::string reason, std::string message) {
  return MakeError(ErrorCode::kPermissionDenied, std::move(reason), std::move(message));
}

}  // namespace

Result<QueryParams> QueryParams::Parse(std::string_view raw) {
  QueryParams params;
  params.entries_.reserve(static_cast<size_t>(std::count(raw.begin(), raw.end(), '&')) + 1);
  while (!raw.empty()) {
    const size_t amp = raw.find('&');
    const std::string_view piece = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    auto name = PercentDecode(piece.substr(0, eq));
    auto value =
        PercentDecode(eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1));
    if (!name || !value) {
      return Unexpected(LinkRefusal("link_bad_encoding", "malformed %-escape in the query"));
    }
    if (name->empty()) {
      return Unexpected(LinkRefusal("link_bad_encoding", "query parameter without a name"));
    }
    if (params.Count(*name) != 0) {
      return Unexpected(
          LinkRefusal("link_duplicate_param", "query parameter '" + *name + "' appears twice"));
    }
    params.Add(std::move(*name), std::move(*value));
  }
  return params;
}

namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool QueryView::Decode(std::string_view raw) {
  size_ = 0;
  size_t used = 0;  // of values_
  while (!raw.empty()) {
    const size_t amp = raw.find('&');
    const std::string_view piece = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (piece.empty()) continue;  // as Parse: skipped
    const size_t eq = piece.find('=');
    const std::string_view name = piece.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    // Names with an escape, empty names, too many pairs: Parse's to judge.
    if (name.empty() || name.find('%') != std::string_view::npos || size_ == kMaxPairs) {
      return false;
    }
    for (size_t i = 0; i < size_; ++i) {
      if (entries_[i].first == name) return false;  // repeated: Parse refuses it
    }
    // The value, decoded as PercentDecode(kPlus) does: '%XX' is a byte, everything else itself.
    if (value.size() > kMaxValueBytes - used) return false;
    char* const start = values_.data() + used;
    char* out = start;
    for (size_t i = 0; i < value.size(); ++i) {
      if (value[i] != '%') {
        *out++ = value[i];
        continue;
      }
      const int hi = i + 2 < value.size() ? Hex(value[i + 1]) : -1;
      const int lo = i + 2 < value.size() ? Hex(value[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;  // a bad escape: Parse refuses it
      *out++ = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    used += size_t(out - start);
    entries_[size_++] = Entry(name, std::string_view(start, size_t(out - start)));
  }
  return true;
}

void QueryParams::Add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

size_t QueryParams::Count(std::string_view name) const {
  size_t n = 0;
  for (const auto& [key, value] : entries_) n += key == name ? 1 : 0;
  return n;
}

std::optional<std::string_view> QueryParams::Get(std::string_view name) const {
  std::optional<std::string_view> found;
  for (const auto& [key, value] : entries_) {
    if (key != name) continue;
    if (found) return std::nullopt;  // ambiguous: refuse rather than pick one
    found = value;
  }
  return found;
}

std::string QueryParams::Encode() const {
  std::string out;
  AppendEncoded(out);
  return out;
}

void QueryParams::AppendEncoded(std::string& out) const {
  bool first = true;
  for (const auto& [key, value] : entries_) {
    if (!first) out.push_back('&');
    first = false;
    AppendPercentEncoded(out, key, PercentKeep::kLinkComponent);
    out.push_back('=');
    AppendPercentEncoded(out, value, PercentKeep::kLinkComponent);
  }
}

}  // namespace noisett::storage
