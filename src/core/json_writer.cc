// The escaping follows nlohmann's serializer (ensure_ascii off): the short escapes for \b \t \n
// \f \r " and \, \u00xx for the other control bytes, everything else as it is; a malformed UTF-8
// sequence becomes one U+FFFD and the byte that broke it is read again as the start of the next.
#include "core/json_writer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace noisett {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Bytes copied as they are: printable ASCII but the two that need a backslash.
constexpr std::array<bool, 256> kPlainBytes = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

// Whether any of the 8 bytes in `word` is not plain: below 0x20, 0x80 or above, '"' or '\\'.
// Eight bytes at a time, because answers are mostly long runs of plain bytes (links).
bool AnyNotPlain(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const uint64_t below_space = (word - kOnes * 0x20) & ~word & kHighs;
  return ((word & kHighs) | below_space | has_zero(word ^ (kOnes * '"')) |
          has_zero(word ^ (kOnes * '\\'))) != 0;
}

// What a well-formed sequence starting with `lead` must look like: its length and the range of
// its second byte (the later ones are 0x80..0xBF). Length 0: no sequence starts with this byte.
struct Utf8Lead {
  int length = 0;
  unsigned char second_min = 0x80, second_max = 0xBF;
};

Utf8Lead ReadLead(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return {2};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};  // no overlong forms
  if (lead == 0xED) return {3, 0x80, 0x9F};  // no surrogates
  if (lead >= 0xE1 && lead <= 0xEF) return {3};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};  // nothing past U+10FFFF
  if (lead >= 0xF1 && lead <= 0xF3) return {4};
  return {};
}

// How many bytes of text, which starts with a non-ASCII byte, form one well-formed sequence
// (returned positive) or the malformed prefix to replace (returned negative, at least 1).
int MeasureSequence(std::string_view text) {
  const Utf8Lead lead = ReadLead(static_cast<unsigned char>(text[0]));
  if (lead.length == 0) return -1;
  for (int k = 1; k < lead.length; ++k) {
    if (static_cast<size_t>(k) >= text.size()) return -k;
    const auto c = static_cast<unsigned char>(text[k]);
    const bool second = k == 1;
    if (c < (second ? lead.second_min : 0x80) || c > (second ? lead.second_max : 0xBF)) return -k;
  }
  return lead.length;
}

void AppendControl(std::string& out, unsigned char c) {
  switch (c) {
    case '\b': out += "\\b"; return;
    case '\t': out += "\\t"; return;
    case '\n': out += "\\n"; return;
    case '\f': out += "\\f"; return;
    case '\r': out += "\\r"; return;
    default: break;
  }
  constexpr char kHex[] = "0123456789abcdef";
  out += "\\u00";
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xF]);
}

}  // namespace

void JsonWriter::Separate() {
  if (need_comma_) out_.push_back(',');
}

JsonWriter& JsonWriter::BeginObject() {
  Separate();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Separate();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  Value(key);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::Value(std::string_view text) {
  Separate();
  out_.push_back('"');
  Escaped(text);
  out_.push_back('"');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Value(bool flag) { return Literal(flag ? "true" : "false"); }

JsonWriter& JsonWriter::Value(std::nullptr_t) { return Literal("null"); }

// nlohmann writes plain decimals for magnitudes 1e-5 < |x| < 1e15 (a whole number with ".0")
// and the shortest scientific form, with a two-digit exponent at least, beyond them.
JsonWriter& JsonWriter::Value(double number) {
  if (!std::isfinite(number)) return Literal("null");
  char text[64];
  const double magnitude = std::fabs(number);
  const bool plain = number == 0 || (magnitude >= 1e-4 && magnitude < 1e15);
  const auto format = plain ? std::chars_format::fixed : std::chars_format::scientific;
  char* end = std::to_chars(text, text + sizeof text - 2, number, format).ptr;
  if (plain && std::find(text, end, '.') == end) {
    *end++ = '.';
    *end++ = '0';
  }
  return Literal(std::string_view(text, static_cast<size_t>(end - text)));
}

JsonWriter& JsonWriter::Literal(std::string_view text) {
  Separate();
  out_ += text;
  need_comma_ = true;
  return *this;
}

void JsonWriter::Escaped(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    size_t run = i;
    for (uint64_t word; run + 8 <= text.size(); run += 8) {
      std::memcpy(&word, text.data() + run, 8);
      if (AnyNotPlain(word)) break;
    }
    while (run < text.size() && kPlainBytes[static_cast<unsigned char>(text[run])]) ++run;
    out_.append(text.data() + i, run - i);
    if (run == text.size()) return;
    i = run;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out_.push_back('\\');
      out_.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      AppendControl(out_, c);
      ++i;
    } else if (const int n = MeasureSequence(text.substr(i)); n > 0) {
      out_.append(text.data() + i, static_cast<size_t>(n));
      i += static_cast<size_t>(n);
    } else {
      out_ += kReplacement;
      i += static_cast<size_t>(-n);
    }
  }
}

}  // namespace noisett
