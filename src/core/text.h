// ASCII case rules for protocol text: header and scheme names, tier names, host names, tokens such
// as "Bearer". Only A-Z and a-z are related; every other byte (digits, punctuation, UTF-8, NUL) is
// only ever equal to itself, whatever the process locale says. Trimming and splitting stay with
// the parsers that know their own whitespace rules.
#pragma once

#include <string>
#include <string_view>

namespace noisett {

// 'A'..'Z' to 'a'..'z'; every other byte unchanged.
constexpr char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// `text` with A-Z lowered: "X-MS-Date" -> "x-ms-date".
std::string AsciiLowercase(std::string_view text);

// True when a and b have the same length and agree byte for byte after AsciiLower.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// True when `text` begins with `prefix`, compared as EqualsIgnoreCase does.
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);

}  // namespace noisett
