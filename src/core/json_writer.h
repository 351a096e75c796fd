// JSON text written straight into one string, for answers built from many rows (a history page
// holds 50 jobs and 400 links). Building an nlohmann tree first costs an allocation per value, a
// map per object and a second pass to print it: three times the work of writing the text.
//
// The output is byte for byte what nlohmann's dump() prints for the same values when callers
// write each object's keys in ascending order (nlohmann keeps objects in a std::map): strings are
// escaped as it escapes them, and bytes that are not UTF-8 become U+FFFD as with
// error_handler_t::replace. Tests hold the two to that. (Doubles: see Value(double).)
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace noisett {

class JsonWriter final {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // Inside an object, before each value.
  JsonWriter& Key(std::string_view key);

  JsonWriter& Value(std::string_view text);
  JsonWriter& Value(const char* text) { return Value(std::string_view(text)); }
  JsonWriter& Value(bool flag);
  JsonWriter& Value(std::nullptr_t);
  // The shortest text that reads back as `number`, laid out as nlohmann lays it out: "0.74",
  // "2.0", "1e-05", "1.5e+20"; null when not finite. Not always nlohmann's bytes: its Grisu2 is
  // not always shortest (about 1 in 125 doubles of 15 significant digits gets 16-17 there), so
  // the same value may be spelled with fewer digits here. Hundredths (size_mb) always match.
  JsonWriter& Value(double number);
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  JsonWriter& Value(T number) {
    char digits[24];
    const char* end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    return Literal(std::string_view(digits, static_cast<size_t>(end - digits)));
  }

  // Key(key) then Value(value).
  template <typename T>
  JsonWriter& Member(std::string_view key, const T& value) {
    Key(key);
    return Value(value);
  }

  void Reserve(size_t bytes) { out_.reserve(bytes); }
  const std::string& text() const { return out_; }
  std::string Take() && { return std::move(out_); }

 private:
  JsonWriter& Literal(std::string_view text);  // a number, true, false or null
  void Separate();  // the ',' before a value that follows another in the same container
  void Escaped(std::string_view text);

  std::string out_;
  bool need_comma_ = false;
};

}  // namespace noisett
