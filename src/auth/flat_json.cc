// Recursive descent over the JSON grammar with a depth limit; strings are checked for UTF-8 and
// escapes (including surrogate pairs) exactly as RFC 8259 requires.
#include "auth/flat_json.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace noisett::auth {
namespace {

constexpr int kMaxDepth = 32;

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  Status TopObject(const std::function<void(FlatJsonMemberView&)>& visit) {
    SkipSpace();
    if (!Consume('{')) return Fail("expected an object");
    SkipSpace();
    if (!Consume('}')) {
      do {
        FlatJsonMemberView member;
        SkipSpace();
        if (!String(&member.key, &key_buffer_)) return Fail("expected a member name");
        SkipSpace();
        if (!Consume(':')) return Fail("expected ':'");
        SkipSpace();
        if (!Member(member)) return Fail("bad value");
        visit(member);
        SkipSpace();
      } while (Consume(','));
      if (!Consume('}')) return Fail("expected ',' or '}'");
    }
    SkipSpace();
    if (pos_ != text_.size()) return Fail("text after the object");
    return Ok();
  }

 private:
  Unexpected Fail(const char* what) const {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_json",
                                std::string(what) + " at offset " + std::to_string(pos_)));
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Consume(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool ConsumeWord(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  void SkipSpace() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                        text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // A top-level member's value, kept in `m` (its string in value_buffer_ when it has escapes).
  bool Member(FlatJsonMemberView& m) {
    using Kind = FlatJsonMember::Kind;
    switch (Peek()) {
      case '"': m.kind = Kind::kString; return String(&m.string, &value_buffer_);
      case '{': m.kind = Kind::kObject; return Value(nullptr, 1);
      case '[':
        m.kind = Kind::kArray;
        array_strings_.clear();
        m.strings = &array_strings_;
        return Array(&m, 1);
      case 't': m.kind = Kind::kBool; m.boolean = true; return ConsumeWord("true");
      case 'f': m.kind = Kind::kBool; return ConsumeWord("false");
      case 'n': m.kind = Kind::kNull; return ConsumeWord("null");
      default: m.kind = Kind::kNumber; return Number(&m.number);
    }
  }

  // Any value, validated; `string_out` (if given) receives it when it is a string, valid until
  // the next string is read.
  bool Value(std::string_view* string_out, int depth) {
    if (depth > kMaxDepth) return false;
    switch (Peek()) {
      case '"': {
        std::string_view ignored;
        return String(string_out ? string_out : &ignored, &nested_buffer_);
      }
      case '{': return Object(depth);
      case '[': return Array(nullptr, depth);
      case 't': return ConsumeWord("true");
      case 'f': return ConsumeWord("false");
      case 'n': return ConsumeWord("null");
      default: {
        double ignored;
        return Number(&ignored);
      }
    }
  }

  bool Object(int depth) {
    ++pos_;  // '{'
    SkipSpace();
    if (Consume('}')) return true;
    do {
      SkipSpace();
      std::string_view key;
      if (!String(&key, &nested_buffer_)) return false;
      SkipSpace();
      if (!Consume(':')) return false;
      SkipSpace();
      if (!Value(nullptr, depth + 1)) return false;
      SkipSpace();
    } while (Consume(','));
    return Consume('}');
  }

  bool Array(FlatJsonMemberView* m, int depth) {
    ++pos_;  // '['
    SkipSpace();
    if (Consume(']')) return true;
    do {
      SkipSpace();
      const bool is_string = Peek() == '"';
      std::string_view element;
      if (!Value(&element, depth + 1)) return false;
      if (m != nullptr) {
        if (is_string) {
          m->strings->emplace_back(element);
        } else {
          m->all_strings = false;
        }
      }
      SkipSpace();
    } while (Consume(','));
    return Consume(']');
  }

  bool Number(double* out) {
    const size_t start = pos_;
    Consume('-');
    if (Consume('0')) {
      // no leading zeros
    } else if (Peek() >= '1' && Peek() <= '9') {
      while (Peek() >= '0' && Peek() <= '9') ++pos_;
    } else {
      return false;
    }
    if (Consume('.')) {
      if (!(Peek() >= '0' && Peek() <= '9')) return false;
      while (Peek() >= '0' && Peek() <= '9') ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!(Peek() >= '0' && Peek() <= '9')) return false;
      while (Peek() >= '0' && Peek() <= '9') ++pos_;
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    auto [end, ec] = std::from_chars(first, last, *out);
    return ec == std::errc() && end == last && std::isfinite(*out);
  }

  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(char(cp));
    } else if (cp < 0x800) {
      out->push_back(char(0xC0 | (cp >> 6)));
      out->push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(char(0xE0 | (cp >> 12)));
      out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(char(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(char(0xF0 | (cp >> 18)));
      out->push_back(char(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(char(0x80 | (cp & 0x3F)));
    }
  }

  bool Hex4(uint32_t* out) {
    if (pos_ + 4 > text_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f') v |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= uint32_t(c - 'A' + 10);
      else return false;
    }
    *out = v;
    return true;
  }

  // \uXXXX, with a following low surrogate when XXXX is a high one; lone surrogates are invalid.
  bool UnicodeEscape(std::string* out) {
    uint32_t cp;
    if (!Hex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low;
      if (!ConsumeWord("\\u") || !Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(out, cp);
    return true;
  }

  bool Escape(std::string* out) {
    if (AtEnd()) return false;
    const char c = text_[pos_++];
    switch (c) {
      case '"': out->push_back('"'); return true;
      case '\\': out->push_back('\\'); return true;
      case '/': out->push_back('/'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'u': return UnicodeEscape(out);
      default: return false;
    }
  }

  // One well-formed UTF-8 sequence of 2..4 bytes starting at pos_ (RFC 3629: no overlongs, no
  // surrogates, nothing above U+10FFFF), appended to `out` unless it is null.
  bool Utf8Sequence(std::string* out) {
    const auto byte = [&](size_t i) { return uint8_t(text_[pos_ + i]); };
    const uint8_t b0 = byte(0);
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) len = 2;
    else if (b0 == 0xE0) { len = 3; lo = 0xA0; }
    else if (b0 == 0xED) { len = 3; hi = 0x9F; }
    else if (b0 >= 0xE1 && b0 <= 0xEF) len = 3;
    else if (b0 == 0xF0) { len = 4; lo = 0x90; }
    else if (b0 == 0xF4) { len = 4; hi = 0x8F; }
    else if (b0 >= 0xF1 && b0 <= 0xF3) len = 4;
    else return false;
    if (pos_ + len > text_.size()) return false;
    if (byte(1) < lo || byte(1) > hi) return false;
    for (size_t i = 2; i < len; ++i) {
      if (byte(i) < 0x80 || byte(i) > 0xBF) return false;
    }
    if (out != nullptr) out->append(text_.data() + pos_, len);
    pos_ += len;
    return true;
  }

  // A string's unescaped value in `out`: a view of the text when the string has no escape (the
  // usual case, copying nothing), else of `buffer`, which then holds the unescaped bytes.
  bool String(std::string_view* out, std::string* buffer) {
    if (!Consume('"')) return false;
    const size_t start = pos_;
    bool escaped = false;  // once true, every byte read so far is in `buffer`
    while (!AtEnd()) {
      const char c = text_[pos_];
      if (c == '"') {
        *out = escaped ? std::string_view(*buffer) : text_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (!escaped) buffer->assign(text_.data() + start, pos_ - start);
        escaped = true;
        ++pos_;
        if (!Escape(buffer)) return false;
      } else if (uint8_t(c) < 0x20) {
        return false;
      } else if (uint8_t(c) < 0x80) {
        // The plain ASCII run at once: eight bytes a step while none ends it, then byte by byte.
        size_t end = pos_ + 1;
        while (end + 8 <= text_.size() && AllPlain(text_.data() + end)) end += 8;
        while (end < text_.size() && kPlainAscii[uint8_t(text_[end])]) ++end;
        if (escaped) buffer->append(text_.data() + pos_, end - pos_);
        pos_ = end;
      } else if (!Utf8Sequence(escaped ? buffer : nullptr)) {
        return false;
      }
    }
    return false;
  }

  // True when none of the 8 bytes at `p` is '"', '\\', a control character or non-ASCII. Each
  // SWAR test below sets a byte's top bit for such a byte; borrows may mark a neighbour too,
  // but no test misses one, so "all plain" is exact (and kPlainAscii decides any other word).
  static bool AllPlain(const char* p) {
    constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    const auto has_zero_byte = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
    return ((w & kHigh) | below_space | has_zero_byte(w ^ (kOnes * '"')) |
            has_zero_byte(w ^ (kOnes * '\\'))) == 0;
  }

  // Bytes a string's ASCII run may hold: printable, not '"' and not '\\'.
  static constexpr std::array<bool, 256> kPlainAscii = [] {
    std::array<bool, 256> table{};
    for (int c = 0x20; c < 0x80; ++c) table[size_t(c)] = c != '"' && c != '\\';
    return table;
  }();

  std::string_view text_;
  size_t pos_ = 0;
  // Where strings with escapes are unescaped: one buffer per role, since a member's key and
  // value are both alive when it is visited. Nested strings are validated and dropped.
  std::string key_buffer_, value_buffer_, nested_buffer_;
  std::vector<std::string> array_strings_;
};

}  // namespace

Status VisitFlatJsonObject(std::string_view text,
                           const std::function<void(FlatJsonMemberView&)>& visit) {
  return Reader(text).TopObject(visit);
}

Result<std::vector<FlatJsonMember>> ReadFlatJsonObject(std::string_view text) {
  std::vector<FlatJsonMember> members;
  auto status = VisitFlatJsonObject(text, [&](FlatJsonMemberView& view) {
    FlatJsonMember& m = members.emplace_back();
    m.key = view.key;
    m.kind = view.kind;
    m.string = view.string;
    m.number = view.number;
    m.boolean = view.boolean;
    if (view.strings != nullptr) m.strings = std::move(*view.strings);
    m.all_strings = view.all_strings;
  });
  if (!status) return Unexpected(status.error());
  return members;
}

}  // namespace noisett::auth
