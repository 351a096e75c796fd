// What command mode prints, in one shape for both modes: an answer's JSON on stdout (indented on
// a terminal, compact when piped), and a failure as `noisett: CODE: message` on stderr plus
// {"error":{"code","message"}} on stdout, so a script reads the same object whichever mode ran.
// Exit statuses stay with exit_codes.h; running the command stays with command_mode.cc.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "core/error.h"

namespace noisett::cli {

// True when `fd` is a terminal: answers are indented for a person, not a pipe.
bool IsTerminal(int fd);

// `json_text` indented by 2 spaces when `pretty`, else as given. Text that is not JSON is left
// alone (it is printed as it came).
std::string FormatJson(std::string_view json_text, bool pretty);

// {"error":{"code":CODE,"message":MESSAGE}}, compact: the object both modes print on stdout.
std::string ErrorJson(std::string_view code, std::string_view message);

// A server's failure answer as an Error: its {"error":{"code","message"}} when the body is one
// (the code becomes the reason), else reason "http_STATUS" with the body's first 200 bytes.
Error ErrorFromHttpAnswer(long http_status, std::string_view body);

// Prints an answer's JSON on `out`, indented when `out` is a terminal.
void PrintAnswer(std::FILE* out, std::string_view json_text);

// Prints `e` in the one shape: "noisett: REASON: MESSAGE" on `err`, ErrorJson on `out`.
void PrintError(std::FILE* out, std::FILE* err, const Error& e);

}  // namespace noisett::cli
