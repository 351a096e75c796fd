// A strict JSON (RFC 8259) reader for the one shape JWT headers and claim sets have: an object
// whose members we read one level deep. Nested values are fully validated and then skipped,
// except arrays, whose string elements are kept (aud, roles). It exists because nlohmann::json
// spent ~15 µs on a typical 900-byte Entra payload (its lexer copies every character), which is
// most of an RSA-2048 verify; this reader builds no tree. It is differentially fuzzed against
// nlohmann (fuzz/jwt_fuzz.cc): anything it accepts, nlohmann accepts with the same values.
#pragma once

#include <functional>
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

// One top-level member as the reader meets it. The views live only during the visit: a string
// without escapes is a view of the text itself, so reading one copies nothing; `strings` may be
// moved from.
struct FlatJsonMemberView {
  std::string_view key;
  FlatJsonMember::Kind kind = FlatJsonMember::Kind::kNull;
  std::string_view string;                   // kString: unescaped UTF-8
  double number = 0;                         // kNumber
  bool boolean = false;                      // kBool
  std::vector<std::string>* strings = nullptr;  // kArray: its string elements
  bool all_strings = true;                   // kArray: false when an element is not a string
};

// The same reading without building members: `visit` sees each member in document order as soon
// as its value is read, so a member is visited even when the text turns out bad later; callers
// that judge members must keep their verdict until the whole text has been accepted.
Status VisitFlatJsonObject(std::string_view text,
                           const std::function<void(FlatJsonMemberView&)>& visit);

// Members in document order (a repeated key appears twice; readers let the last one win, as
// nlohmann does and RFC 7519 §4 allows). Error: kInvalidArgument "bad_json" with the offset.
// Limits: nesting depth 32; numbers must be finite doubles.
Result<std::vector<FlatJsonMember>> ReadFlatJsonObject(std::string_view text);

}  // namespace noisett::auth
