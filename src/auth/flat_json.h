// A strict JSON (RFC 8259) reader for the one shape JWT headers and claim sets have: an object
// whose members we read one level deep. Nested values are fully validated and then skipped,
// except arrays, whose string elements are kept (aud, roles). It exists because nlohmann::json
// spent ~15 µs on a typical 900-byte Entra payload (its lexer copies every character), which is
// most of an RSA-2048 verify; this reader builds no tree. It is differentially fuzzed against
// nlohmann (fuzz/jwt_fuzz.cc): anything it accepts, nlohmann accepts with the same values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace noisett::auth {

struct FlatJsonMember {
  enum class Kind { kString, kNumber, kBool, kNull, kArray, kObject };
  std::string key;
  Kind kind = Kind::kNull;
  std::string string;                // kString: unescaped UTF-8
  double number = 0;                 // kNumber
  bool boolean = false;              // kBool
  std::vector<std::string> strings;  // kArray: its string elements
  bool all_strings = true;           // kArray: false when an element is not a string
};

// Members in document order (a repeated key appears twice; readers let the last one win, as
// nlohmann does and RFC 7519 §4 allows). Error: kInvalidArgument "bad_json" with the offset.
// Limits: nesting depth 32; numbers must be finite doubles.
Result<std::vector<FlatJsonMember>> ReadFlatJsonObject(std::string_view text);

}  // namespace noisett::auth
