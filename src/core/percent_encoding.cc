// Percent-encoding by hand (see percent_encoding.h): the rules are a dozen lines and must be
// exactly ours, so no URL library is pulled in for them.
#include "core/percent_encoding.h"

#include <array>
#include <cstddef>

namespace noisett {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";
constexpr size_t kKeepSets = 5;

constexpr bool IsAlnum(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

constexpr bool In(std::string_view set, int c) {
  return set.find(static_cast<char>(c)) != std::string_view::npos;
}

// One table per PercentKeep, in its order: true for the bytes that stand for themselves.
constexpr std::array<std::array<bool, 256>, kKeepSets> MakeKeepTables() {
  std::array<std::array<bool, 256>, kKeepSets> t{};
  for (int c = 0; c < 256; ++c) {
    const bool link = IsAlnum(c) || In("._-", c);
    t[size_t(PercentKeep::kLinkComponent)][size_t(c)] = link;
    t[size_t(PercentKeep::kLinkPath)][size_t(c)] = link || c == '/';
    t[size_t(PercentKeep::kUnreserved)][size_t(c)] = link || c == '~';
    t[size_t(PercentKeep::kUriComponent)][size_t(c)] = link || In("~!*'()", c);
    t[size_t(PercentKeep::kRequestTarget)][size_t(c)] = c < 0x80 && !In(" \"<>\\^`{|}", c);
  }
  return t;
}
constexpr auto kKeep = MakeKeepTables();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void AppendPercentEncoded(std::string& out, std::string_view text, PercentKeep keep) {
  const std::array<bool, 256>& plain = kKeep[static_cast<size_t>(keep)];
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

std::string PercentEncode(std::string_view text, PercentKeep keep) {
  std::string out;
  out.reserve(text.size() + 16);
  AppendPercentEncoded(out, text, keep);
  return out;
}

Result<std::string> PercentDecode(std::string_view text, PlusMeans plus) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus == PlusMeans::kSpace) {
      out.push_back(' ');
      continue;
    }
    if (c != '%') {
      out.push_back(c);
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

}  // namespace noisett
