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
