// RFC 9112 rules for request header fields that Beast's parser does not enforce; plain string
// views, so the rules build (and are tested) without Beast. request_parser.h applies them.
#pragma once

#include <string_view>

namespace noisett::http {

// RFC 3986 host [":" port] (RFC 9112 3.2): an IP literal in brackets, or a reg-name / IPv4
// address (unreserved, sub-delims, percent escapes). Syntax only; empty is allowed.
bool IsHostAndPort(std::string_view value);

// One decimal number (RFC 9110 8.6), not a list such as "100,100".
bool IsDecimalLength(std::string_view value);

// Whether the value of a field named `name_in_input` (a view into the received bytes) was
// folded over several lines (obs-fold, RFC 9112 5.2). Beast hands a folded value over from a
// buffer of its own, its line breaks made spaces; an unfolded one is the input bytes that follow
// "name:" and its optional whitespace. Reads the input just past the name.
bool WasFolded(std::string_view name_in_input, std::string_view value);

}  // namespace noisett::http
