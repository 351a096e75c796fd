// Percent-encoding by hand: the rules are a dozen lines and must be exactly ours (see the header
// for why '+' is literal), so no URL library is pulled in for them.
#include "storage/query_params.h"

#include <array>

namespace noisett::storage {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

// The bytes that stand for themselves: [A-Za-z0-9._-], and '/' in a path.
struct Unreserved {
  std::array<bool, 256> component{}, path{};
  constexpr Unreserved() {
    for (int c = 0; c < 256; ++c) {
      component[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '_' || c == '-';
      path[c] = component[c] || c == '/';
    }
  }
};
constexpr Unreserved kUnreserved;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Copies runs of unreserved bytes whole: a link is mostly such runs, and every history page
// encodes hundreds of them.
void AppendEncoded(std::string& out, std::string_view text, bool keep_slash) {
  const std::array<bool, 256>& plain = keep_slash ? kUnreserved.path : kUnreserved.component;
  size_t i = 0;
  while (i < text.size()) {
    size_t run = i;
    while (run < text.size() && plain[static_cast<unsigned char>(text[run])]) ++run;
    out.append(text.data() + i, run - i);
    if (run == text.size()) break;
    const auto c = static_cast<unsigned char>(text[run]);
    out.push_back('%');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
    i = run + 1;
  }
}

std::string Encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size() + 16);
  AppendEncoded(out, text, keep_slash);
  return out;
}

Error LinkRefusal(std::string reason, std::string message) {
  return MakeError(ErrorCode::kPermissionDenied, std::move(reason), std::move(message));
}

}  // namespace

std::string PercentEncodePath(std::string_view path) { return Encode(path, true); }

std::string PercentEncodeComponent(std::string_view value) { return Encode(value, false); }

void AppendPercentEncodedPath(std::string& out, std::string_view path) {
  AppendEncoded(out, path, true);
}

void AppendPercentEncodedComponent(std::string& out, std::string_view value) {
  AppendEncoded(out, value, false);
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const bool room = i + 2 < text.size();
    const int hi = room ? HexValue(text[i + 1]) : -1;
    const int lo = room ? HexValue(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_percent_encoding",
                                  "'%' must be followed by two hex digits"));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

Result<QueryParams> QueryParams::Parse(std::string_view raw) {
  QueryParams params;
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
    AppendPercentEncodedComponent(out, key);
    out.push_back('=');
    AppendPercentEncodedComponent(out, value);
  }
}

}  // namespace noisett::storage
