// Command mode: direct (in-process service) or remote (HTTP).
#include "cli/command_mode.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/app.h"
#include "app/file_io.h"
#include "cli/cli_output.h"
#include "cli/command_names.h"
#include "cli/dev_key_hint.h"
#include "cli/exit_codes.h"
#include "cli/generate_follow.h"
#include "core/ids.h"
#include "core/percent_encoding.h"
#include "net/http_client.h"

namespace noisett::cli {
namespace {

// A command that could not start: the same shape as a failed one, exit status 2.
int Usage(std::FILE* out, std::FILE* err, const Error& e) {
  PrintError(out, err, e);
  return kExitUsage;
}

int Usage(std::FILE* out, std::FILE* err, const char* reason, const std::string& message) {
  return Usage(out, err, MakeError(ErrorCode::kInvalidArgument, reason, message));
}

Answer Failure(const Error& e, int exit_code) { return Answer{false, "", exit_code, e}; }

int Direct(const CommandModeArgs& args, const app::Config& config, const nlohmann::json& input,
           const std::string& body, std::FILE* out, std::FILE* err) {
  // This binary's registry: a mistyped name is refused before any store is opened.
  if (!IsRegistryCommand(args.name)) {
    return Usage(out, err, "unknown_command", UnknownCommandMessage(args.name, {}));
  }
  if (!IsValidUserId(args.user)) {
    return Usage(out, err, "usage",
                 "direct mode needs --user NAME ([A-Za-z0-9_-]{1,64}), or use --server URL");
  }
  // Links printed here point where `serve` listens (NOISETT_LISTEN) unless NOISETT_PUBLIC_URL
  // says otherwise (docs/api.md): App's default.
  auto backend = app::App::Open(config);
  if (!backend) return Usage(out, err, backend.error());
  auth::User user;
  user.user_id = args.user;
  user.name = args.user;
  // Whoever runs direct mode holds the store and catalog themselves: the operator, an admin.
  user.roles = {std::string(auth::kAdminRole)};
  // Long commands (users.set_tier) report on stderr: a line every 1000 items.
  service::CommandInput command{input, body};
  command.progress = [err, &args](int64_t done, int64_t total) {
    if (done % 1000 != 0) return;
    std::fprintf(err, "%s: %lld", args.name.c_str(), static_cast<long long>(done));
    if (total > 0) std::fprintf(err, " of %lld", static_cast<long long>(total));
    std::fprintf(err, " done\n");
  };
  app::App& app = **backend;
  if (args.name == "generate") app.StartJobRunner();  // this process makes the images
  auto run = [&](const std::string& name, const nlohmann::json& in) {
    service::CommandInput one{in, body};
    one.progress = command.progress;
    auto result = app.service().Run(name, user, one);
    if (!result) return Failure(result.error(), ExitCodeFor(result.error()));
    return Answer{true, std::move(*result), 0, {}};
  };
  // Woken by the job's change notices; a short deadline covers a notice that came between the
  // last read and this wait (a re-read in process costs microseconds).
  auto await_change = [&app](const std::string& job_id) {
    app.service().job_events().WaitUntil(
        job_id, std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
  };
  // The images this process stored get their renditions before it exits (after the answer is
  // printed): there is no background here to leave them to.
  auto make_renditions = [&app, err]() {
    service::RenditionWorker* renditions = app.service().renditions();
    if (renditions == nullptr || renditions->queued() == 0) return;
    std::fprintf(err, "noisett: making renditions of %zu images\n", renditions->queued());
    renditions->Drain();
  };
  if (FollowsGeneration(args.name, input)) {
    const int code = FollowGeneration(run, await_change, input, out, err);
    make_renditions();
    return code;
  }
  const int code = PrintAnswerOrError(run(args.name, input), out, err);
  make_renditions();
  return code;
}

// Uploads carry their arguments in the query; other commands send them as the JSON body.
net::HttpRequestSpec RemoteRequest(const CommandModeArgs& args, const std::string& token,
                                   const nlohmann::json& input, const std::string& body) {
  net::HttpRequestSpec request;
  request.method = "POST";
  std::string base = args.server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  request.url = base + "/api/commands/" + PercentEncode(args.name, PercentKeep::kUnreserved);
  request.headers.push_back({"Authorization", "Bearer " + token});
  if (!args.file.empty()) {
    std::string query;
    for (const auto& [key, value] : input.items()) {
      query += query.empty() ? '?' : '&';
      query += PercentEncode(key, PercentKeep::kUnreserved);
      query += '=';
      query += PercentEncode(value.is_string() ? value.get<std::string>() : value.dump(),
                             PercentKeep::kUnreserved);
    }
    request.url += query;
    request.headers.push_back({"Content-Type", "application/octet-stream"});
    request.body = body;
  } else {
    request.headers.push_back({"Content-Type", "application/json"});
    request.body = input.dump();
  }
  return request;
}

int Remote(const CommandModeArgs& args, const app::Config& config, const nlohmann::json& input,
           const std::string& body, std::FILE* out, std::FILE* err) {
  const std::string& token = config.token;
  if (token.empty()) {
    return Usage(out, err, "usage", "remote mode needs a token: --token or NOISETT_TOKEN");
  }
  net::HttpGetOptions options;
  options.timeout_ms = 120000;
  options.max_body_bytes = 64 << 20;
  auto call = [&](const std::string& name, const nlohmann::json& in) {
    CommandModeArgs one = args;
    one.name = name;
    auto response = net::HttpSend(RemoteRequest(one, token, in, body), options);
    // The server could not be reached: a set-up problem (the URL, the network), exit status 2.
    if (!response) return Failure(response.error(), kExitUsage);
    if (response->status >= 200 && response->status < 300) {
      return Answer{true, response->body, 0, {}};
    }
    return Failure(WithDevKeyHint(ErrorFromHttpAnswer(response->status, response->body), token,
                                  config.data_dir),
                   ExitCodeForHttpStatus(response->status));
  };
  // A pause between reads: a script's CLI, not a gallery (the gallery follows the events).
  auto pause = [](const std::string&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  };
  if (FollowsGeneration(args.name, input)) return FollowGeneration(call, pause, input, out, err);
  return PrintAnswerOrError(call(args.name, input), out, err);
}

}  // namespace

int RunCommandMode(const CommandModeArgs& args, const app::Config& config, std::FILE* out,
                   std::FILE* err) {
  nlohmann::json input = nlohmann::json::parse(args.json, nullptr, /*allow_exceptions=*/false);
  if (!input.is_object()) {
    return Usage(out, err, "bad_input", "the command input must be a JSON object, e.g. '{}'");
  }
  std::string body;
  if (!args.file.empty()) {
    auto bytes = app::ReadFileCapped(args.file, config.backend.optimize.limits.max_bytes);
    if (!bytes) {
      PrintError(out, err, bytes.error());
      return ExitCodeFor(bytes.error());
    }
    body = std::move(*bytes);
  }
  return args.server.empty() ? Direct(args, config, input, body, out, err)
                             : Remote(args, config, input, body, out, err);
}

}  // namespace noisett::cli
