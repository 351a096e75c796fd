// Strict base64url without padding.
#include "auth/base64url.h"

#include <array>
#include <cstdint>

namespace noisett::auth {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = int8_t(i);
  return table;
}
constexpr std::array<int8_t, 256> kDecode = MakeDecodeTable();

// kDecode with each sextet already shifted to its place in a 24-bit group (first character
// highest), and every bit set for a character outside the alphabet: a group of four decodes with
// four loads and three ORs, and one test of the top bit catches any bad character.
constexpr uint32_t kBad = 0xFFFFFFFF;
constexpr std::array<std::array<uint32_t, 256>, 4> MakeShiftedTables() {
  std::array<std::array<uint32_t, 256>, 4> tables{};
  for (int k = 0; k < 4; ++k) {
    for (int c = 0; c < 256; ++c) {
      tables[size_t(k)][size_t(c)] =
          kDecode[size_t(c)] < 0 ? kBad : uint32_t(kDecode[size_t(c)]) << (18 - 6 * k);
    }
  }
  return tables;
}
constexpr auto kShifted = MakeShiftedTables();

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = at(i) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const uint32_t v = at(i) << 16 | at(i + 1) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  const size_t rest = text.size() % 4;
  if (rest == 1) return std::nullopt;
  // Sized once and filled four characters (three bytes) at a time: tokens are decoded on every
  // cache miss.
  std::string out(text.size() / 4 * 3 + (rest ? rest - 1 : 0), '\0');
  char* o = out.data();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t whole = text.size() - rest;
  for (size_t i = 0; i < whole; i += 4) {
    const uint32_t v = kShifted[0][p[i]] | kShifted[1][p[i + 1]] | kShifted[2][p[i + 2]] |
                       kShifted[3][p[i + 3]];
    if (v & 0x80000000u) return std::nullopt;
    *o++ = char(v >> 16);
    *o++ = char(v >> 8);
    *o++ = char(v);
  }
  if (rest == 0) return out;
  uint32_t v = 0;
  for (size_t k = 0; k < rest; ++k) {
    const int8_t x = kDecode[p[whole + k]];
    if (x < 0) return std::nullopt;
    v |= uint32_t(x) << (18 - 6 * k);
  }
  // Leftover bits must be zero, or two spellings would decode to the same bytes.
  if ((rest == 2 && (v & 0xffff) != 0) || (rest == 3 && (v & 0xff) != 0)) return std::nullopt;
  *o++ = char(v >> 16);
  if (rest == 3) *o++ = char(v >> 8);
  return out;
}

}  // namespace noisett::auth
