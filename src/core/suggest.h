// "Did you mean": the known name closest to one a person mistyped (a command, a JSON field), for
// the messages that refuse it. Pure; the callers phrase the message and pick the candidates.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace noisett {

// Edits (insert, delete, substitute, swap two neighbours) turning `a` into `b`, ASCII case
// ignored: "histroy" -> "history" is 1.
size_t EditDistance(std::string_view a, std::string_view b);

// The name of `names` that `typed` most likely meant, or nullopt when none is close enough to
// be worth saying. A dotted name also matches by its group ("histroy" is 1 edit from
// "history.list" through "history"). Close enough: at most 1 edit for up to 4 characters, 2 for
// up to 8, 3 beyond, and always fewer edits than `typed` has characters. Ties go to the earlier
// name, so callers list the names most often meant first. A name given exactly as known is not
// suggested (nullopt); one differing only in case is.
// Names longer than 64 bytes, typed or known, are never matched (the work is quadratic).
std::optional<std::string> ClosestName(std::string_view typed,
                                       const std::vector<std::string_view>& names);

// "; did you mean \"NAME\"?" for ClosestName's answer, or "" when it has none: the tail of a
// refusal's message.
std::string DidYouMean(std::string_view typed, const std::vector<std::string_view>& names);

}  // namespace noisett
