// Command mode's printing (see cli_output.h).
#include "cli/cli_output.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace noisett::cli {
namespace {

constexpr size_t kQuotedBodyBytes = 200;

// Messages may quote client bytes that are not UTF-8: replaced, never thrown on.
std::string Dump(const nlohmann::json& tree, int indent) {
  return tree.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

bool IsTerminal(int fd) { return ::isatty(fd) == 1; }

std::string FormatJson(std::string_view json_text, bool pretty) {
  if (!pretty) return std::string(json_text);
  const nlohmann::json tree = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (tree.is_discarded()) return std::string(json_text);
  return Dump(tree, 2);
}

std::string ErrorJson(std::string_view code, std::string_view message) {
  return Dump({{"error", {{"code", code}, {"message", message}}}}, -1);
}

Error ErrorFromHttpAnswer(long http_status, std::string_view body) {
  const nlohmann::json tree = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json* error =
      tree.is_object() && tree.contains("error") ? &tree["error"] : nullptr;
  // The code only keeps "out of space" apart (exit_codes.h); the reason carries the rest.
  const ErrorCode code =
      http_status == 507 ? ErrorCode::kInsufficientStorage : ErrorCode::kUnavailable;
  if (error != nullptr && error->is_object() &&
      error->value("code", nlohmann::json()).is_string() &&
      error->value("message", nlohmann::json()).is_string()) {
    return MakeError(code, (*error)["code"].get<std::string>(),
                     (*error)["message"].get<std::string>());
  }
  return MakeError(code, "http_" + std::to_string(http_status),
                   std::string(body.substr(0, kQuotedBodyBytes)));
}

void PrintAnswer(std::FILE* out, std::string_view json_text) {
  const std::string text = FormatJson(json_text, IsTerminal(::fileno(out)));
  std::fprintf(out, "%s\n", text.c_str());
  std::fflush(out);
}

void PrintError(std::FILE* out, std::FILE* err, const Error& e) {
  std::fprintf(err, "noisett: %s: %s\n", e.reason.c_str(), e.message.c_str());
  std::fflush(err);
  PrintAnswer(out, ErrorJson(e.reason, e.message));
}

}  // namespace noisett::cli
