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

namespace {

// The next byte PercentDecode must change: a '%', or a '+' when it means a space. (find_first_of
// would call memchr on the set for every byte of the text.)
size_t NextSpecial(std::string_view text, size_t from, PlusMeans plus) {
  if (plus == PlusMeans::kPlus) return text.find('%', from);
  for (size_t i = from; i < text.size(); ++i) {
    if (text[i] == '%' || text[i] == '+') return i;
  }
  return std::string_view::npos;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view text, PlusMeans plus) {
  // Every request's path and link query come through here: the bytes between escapes are copied
  // a run at a time, and text without any is one copy.
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (true) {
    const size_t next = NextSpecial(text, i, plus);
    out.append(text.substr(i, next - i));
    if (next == std::string_view::npos) return out;
    if (text[next] == '+') {
      out.push_back(' ');
      i = next + 1;
      continue;
    }
    const bool room = next + 2 < text.size();
    const int hi = room ? HexValue(text[next + 1]) : -1;
    const int lo = room ? HexValue(text[next + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_percent_encoding",
                                  "'%' must be followed by two hex digits"));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i = next + 3;
  }
}

}  // namespace noisett
