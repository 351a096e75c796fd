// Both base64 alphabets through one table-driven codec (see base64.h). Tokens are decoded on every
// token-cache miss and link signatures on every blob request, so decoding works on four characters
// at a time.
#include "core/base64.h"

#include <array>
#include <cstdint>

namespace noisett {
namespace {

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// For each character: its sextet already shifted to its place k (0..3) in a 24-bit group (first
// character highest), or every bit set for a character outside the alphabet. A group of four
// decodes with four loads and three ORs, and one test of the top bit catches any bad character.
constexpr uint32_t kBad = 0xFFFFFFFF;
using ShiftedTables = std::array<std::array<uint32_t, 256>, 4>;

constexpr ShiftedTables MakeShiftedTables(const char* alphabet) {
  ShiftedTables tables{};
  for (auto& table : tables) table.fill(kBad);
  for (uint32_t v = 0; v < 64; ++v) {
    for (int k = 0; k < 4; ++k) {
      tables[size_t(k)][static_cast<unsigned char>(alphabet[v])] = v << (18 - 6 * k);
    }
  }
  return tables;
}
constexpr ShiftedTables kStandardTables = MakeShiftedTables(kStandard);
constexpr ShiftedTables kUrlTables = MakeShiftedTables(kUrl);

std::string Encode(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  const uint32_t v = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
  out += alphabet[v >> 18];
  out += alphabet[(v >> 12) & 63];
  if (rest == 2) out += alphabet[(v >> 6) & 63];
  if (pad) out.append(3 - rest, '=');
  return out;
}

// Why a spelling was refused; nullptr for none.
using Refusal = const char*;

// Decodes unpadded `text` (no 4n+1 length) into `out`, sized here.
Refusal Decode(std::string_view text, const ShiftedTables& t, std::string& out) {
  const size_t rest = text.size() % 4;
  if (rest == 1) return "impossible length";
  // Sized once and filled four characters (three bytes) at a time.
  out.assign(text.size() / 4 * 3 + (rest ? rest - 1 : 0), '\0');
  char* o = out.data();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t whole = text.size() - rest;
  for (size_t i = 0; i < whole; i += 4) {
    const uint32_t v = t[0][p[i]] | t[1][p[i + 1]] | t[2][p[i + 2]] | t[3][p[i + 3]];
    if (v & 0x80000000u) return "unexpected character";
    *o++ = char(v >> 16);
    *o++ = char(v >> 8);
    *o++ = char(v);
  }
  if (rest == 0) return nullptr;
  uint32_t v = 0;
  for (size_t k = 0; k < rest; ++k) v |= t[k][p[whole + k]];
  if (v & 0x80000000u) return "unexpected character";
  // Leftover bits must be zero, or two spellings would decode to the same bytes ("QR" and "QQ").
  if ((rest == 2 && (v & 0xffff) != 0) || (rest == 3 && (v & 0xff) != 0)) {
    return "non-canonical trailing bits";
  }
  *o++ = char(v >> 16);
  if (rest == 3) *o++ = char(v >> 8);
  return nullptr;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStandard, true); }

Result<std::string> Base64Decode(std::string_view text) {
  auto bad = [](std::string_view why) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_base64",
                                "not standard padded base64: " + std::string(why)));
  };
  if (text.size() % 4 != 0) return bad("length is not a multiple of 4");
  // One or two '=' end the last group; anywhere else a '=' is outside the alphabet.
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  if (Refusal why = Decode(text.substr(0, text.size() - padding), kStandardTables, out)) {
    return bad(why);
  }
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) { return Encode(bytes, kUrl, false); }

Result<std::string> Base64UrlDecode(std::string_view text) {
  std::string out;
  if (Refusal why = Decode(text, kUrlTables, out)) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_base64url",
                                "not unpadded base64url: " + std::string(why)));
  }
  return out;
}

}  // namespace noisett
