// The `noisett` entry point: parses argv with CLI11 (the only file that includes it, to keep
// compile time down), offers each subcommand the flags of its settings (app/settings.h), reads the
// configuration once (app::LoadConfig: flags, then the environment, then defaults) and hands it to
// the subcommand's runner. Start-up failures are the one place exceptions end.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/config.h"
#include "app/settings.h"
#include "cli/allocator.h"
#include "cli/auth_commands.h"
#include "cli/catalog_commands.h"
#include "cli/cli_output.h"
#include "cli/command_mode.h"
#include "cli/command_names.h"
#include "cli/exit_codes.h"
#include "cli/help_text.h"
#include "cli/init_command.h"
#include "cli/lifecycle_cli.h"
#include "cli/optimize_command.h"
#include "cli/serve_command.h"
#include "image/image_types.h"
#include "service/command_docs.h"

namespace {

namespace app = noisett::app;
using noisett::cli::CommandModeArgs;
using noisett::cli::LifecycleArgs;
using noisett::cli::MaintenanceArgs;
using noisett::cli::OptimizeArgs;
using noisett::cli::TokenArgs;

// The flags of one subcommand's settings: offered to CLI11 from the settings table, collected
// after parsing into what app::LoadConfig reads.
class SettingFlags {
 public:
  SettingFlags(CLI::App* cmd, uint32_t command) : command_(command) {
    for (const app::Setting& s : app::Settings()) {
      if (!s.offers_flag(command)) continue;
      std::string name(s.flag);
      if (!s.short_flag.empty()) name += "," + std::string(s.short_flag);
      std::string help(s.help);
      if (!s.default_text.empty()) help += " (default " + std::string(s.default_text) + ")";
      help += " [" + std::string(s.env) + "]";
      Entry& entry = entries_[std::string(s.flag)];
      entry.option = s.is_switch ? cmd->add_flag(name, entry.on, help)
                                 : cmd->add_option(name, entry.value, help);
      entry.is_switch = s.is_switch;
    }
  }

  // The configuration from the flags given and the process's environment; the refusal of a bad
  // value (the caller prints it and exits with 2).
  noisett::Result<app::Config> Load() const {
    app::Flags given;
    for (const auto& [flag, entry] : entries_) {
      if (entry.option->count() == 0) continue;
      given[flag] = entry.is_switch ? (entry.on ? "true" : "false") : entry.value;
    }
    auto config = app::LoadConfig(command_, given, app::ProcessEnvironment());
    if (config) noisett::SetLogLevel(config->log_level);
    return config;
  }

 private:
  struct Entry {
    CLI::Option* option = nullptr;
    std::string value;
    bool on = false;
    bool is_switch = false;
  };
  uint32_t command_;
  std::map<std::string, Entry> entries_;
};

void AddOptimize(CLI::App& app, OptimizeArgs& args, std::string& quality, std::string& format) {
  CLI::App* cmd = app.add_subcommand(
      "optimize",
      "Optimize images: writes NAME.jpg (fit inside --max-dimension) and thumb_NAME.jpg (fit "
      "inside --thumb-size) per input into --out, and prints one JSON line of metadata per file");
  cmd->add_option("files", args.files, "PNG, JPEG or WebP inputs (decided from content)")
      ->required();
  cmd->add_option("--out,-o", args.out_dir, "Output directory (created if missing)")->required();
  cmd->add_option("--quality,-q", quality,
                  "high (JPEG 95 / WebP 100), medium (JPEG 85 / WebP 85), low (JPEG 75 / WebP 80)")
      ->check(CLI::IsMember({"high", "medium", "low"}))
      ->capture_default_str();
  cmd->add_option("--max-dimension", args.options.max_dimension,
                  "Fit the full image inside NxN, never enlarging (16..16384)")
      ->check(CLI::Range(16, 16384))
      ->capture_default_str();
  cmd->add_option("--thumb-size", args.options.thumb_size,
                  "Fit the thumbnail inside NxN (16..4096)")
      ->check(CLI::Range(16, 4096))
      ->capture_default_str();
  cmd->add_option("--format,-f", format, "Output format: jpeg or webp (webp keeps alpha)")
      ->check(CLI::IsMember({"jpeg", "webp"}))
      ->capture_default_str();
  cmd->add_option("--jobs,-j", args.jobs, "Files processed in parallel (default: all cores)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->footer(app::EnvironmentHelp(app::kOptimize));
}

void AddToken(CLI::App& app, TokenArgs& args, std::string& scope) {
  CLI::App* cmd = app.add_subcommand(
      "token",
      "Dev issuer: mint an RS256 token (issuer noisett-dev) for a user, printed alone on stdout. "
      "The key is created once in DATA_DIR/dev-issuer (mode 0600) with its JWKS next to it");
  cmd->add_option("--user,-u", args.user, "User name; becomes oid ([A-Za-z0-9_-]{1,64})")
      ->required();
  cmd->add_option("--name", args.name, "Display name (default: the user name)");
  cmd->add_option("--email", args.email, "preferred_username (default: USER@noisett.local)");
  cmd->add_flag("--admin", args.admin, "Add the Noisett.Admin role");
  cmd->add_option("--ttl", args.ttl, "Lifetime: 90s, 30m, 1h, 7d (at most 7d)")
      ->capture_default_str();
  cmd->add_option("--scope", scope, "scp claim (default: NOISETT_AUTH_SCOPE, if set)");
  cmd->footer("Exit status: 0 token printed, 2 bad option or key problem.");
}

// `catalog.rebuild` and `fsck`: operator tools over the same store and catalog as `serve`.
void AddMaintenance(CLI::App& app, MaintenanceArgs& rebuild, MaintenanceArgs& fsck) {
  CLI::App* cmd = app.add_subcommand(
      "catalog.rebuild",
      "Re-create missing catalog rows from the metadata.json blobs of the store (idempotent: jobs "
      "already in the catalog are left alone). Favorites cannot be rebuilt. docs/maintenance.md");
  cmd->add_flag("--json", rebuild.json, "Print the summary as JSON");
  cmd->footer(
      "Exit status: 0 every job was added or already present, whole; 1 some jobs were skipped or "
      "added incomplete, or unexpected blob names were found (each listed); 2 set-up error.");
  cmd = app.add_subcommand(
      "fsck",
      "Compare the catalog with the store: rows whose blobs are missing, blobs with no row, "
      "soft-delete state that disagrees, metadata.json that disagrees with its row. "
      "docs/maintenance.md");
  cmd->add_flag("--repair", fsck.repair,
                "Fix what can be fixed safely: re-add rows metadata.json proves, delete other "
                "orphans, rewrite metadata.json from the row, align soft-delete state with the row");
  cmd->add_option("--grace", fsck.grace,
                  "Leave alone anything younger than this (uploads in flight): 90s, 30m, 1h, 7d "
                  "or seconds")
      ->capture_default_str();
  cmd->add_flag("--json", fsck.json, "Print the report as JSON");
  cmd->footer(
      "Exit status: 0 no findings (with --repair: all repaired); 1 findings remain; 2 set-up "
      "error.");
}

// `lifecycle.run` and `lifecycle.export`: the policy applied to the local store, and printed.
void AddLifecycle(CLI::App& app, LifecycleArgs& run) {
  CLI::App* cmd = app.add_subcommand(
      "lifecycle.run",
      "Apply the lifecycle policy to the local store now, as `serve` does every "
      "NOISETT_LIFECYCLE_INTERVAL: tier changes, retention deletions (soft, then purged after "
      "the soft-delete window), expired versions. docs/lifecycle.md");
  cmd->add_flag("--dry-run", run.dry_run, "Decide and report, change nothing");
  cmd->add_flag("--json", run.json, "Print the summary as JSON");
  cmd->footer(
      "Exit status: 0 done; 1 some blobs failed (each listed); 2 set-up error, or the store is "
      "Azure (Azure applies the policy: use lifecycle.export).");
  cmd = app.add_subcommand(
      "lifecycle.export",
      "Print the lifecycle policy JSON for `az storage account management-policy create "
      "--policy @FILE` (made from --retention-days, or --lifecycle-policy checked)");
  cmd->footer("Exit status: 0 printed, 2 bad policy file or retention days.");
}

// The flags whose values are secrets (settings.cc: NOISETT_TOKEN, REPLICATE_API_TOKEN,
// AZURE_STORAGE_KEY, AZURE_STORAGE_CONNECTION_STRING, NOISETT_LINK_KEYS).
constexpr const char* kSecretFlags[] = {"--token", "-t", "--replicate-token", "--azure-key",
                                        "--azure-connection-string", "--link-keys"};

// True for a JWT-shaped argument (three base64url parts): a token typed where no flag names it.
bool LooksLikeJwt(std::string_view arg) {
  if (arg.size() < 20 || std::count(arg.begin(), arg.end(), '.') != 2) return false;
  return std::all_of(arg.begin(), arg.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// `text` with every secret of argv (a secret flag's value, in either "--flag V" or
// "--flag=V" form, or anything JWT-shaped) replaced: CLI11 quotes arguments it did not expect,
// and no message may carry a token.
std::string WithoutSecrets(std::string text, int argc, char** argv) {
  std::vector<std::string> secrets;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (LooksLikeJwt(arg)) secrets.emplace_back(arg);
    for (const char* flag : kSecretFlags) {
      const std::string_view f = flag;
      if (arg == f && i + 1 < argc) secrets.emplace_back(argv[i + 1]);
      if (arg.size() > f.size() && arg.substr(0, f.size()) == f) {
        // "--token=V", and "-tV" for the short flag.
        const size_t at = arg[f.size()] == '=' ? f.size() + 1 : f.size();
        if (arg[f.size()] == '=' || f.size() == 2) secrets.emplace_back(arg.substr(at));
      }
    }
  }
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at; (at = text.find(secret)) != std::string::npos;) {
      text.replace(at, secret.size(), "[redacted]");
    }
  }
  return text;
}

// CLI11's answer to a parse error, as CLI::App::exit prints it, but without secrets: 0 for
// --help and --version, else 2.
int ParseFailure(CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  if (e.get_exit_code() == 0) return app.exit(e);
  std::fprintf(stderr, "%s\n", WithoutSecrets(e.what(), argc, argv).c_str());
  std::fprintf(stderr, "Run with --help for more information.\n");
  return 2;
}

// "noisett 0.1.0 (2627f8c1a2b3)": the CMake project version and the commit it was configured at.
std::string VersionLine() {
  std::string line = "noisett " BUILD_VERSION_TEXT;
  const std::string_view commit = BUILD_COMMIT_TEXT;
  if (!commit.empty()) line += " (" + std::string(commit) + ")";
  return line;
}

std::vector<std::string> SubcommandNames(CLI::App& cli) {
  std::vector<std::string> names;
  for (const CLI::App* sub : cli.get_subcommands([](CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

// The first word when it names no subcommand and no command (a flag is CLI11's to judge).
std::optional<std::string_view> UnknownFirstWord(CLI::App& cli, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  const std::string_view word = argv[1];
  if (noisett::cli::IsRegistryCommand(word)) return std::nullopt;
  for (const std::string& name : SubcommandNames(cli)) {
    if (name == word) return std::nullopt;
  }
  return word;
}

// `e` in command mode's one error shape, exit status 2.
int RefuseUsage(const noisett::Error& e) {
  noisett::cli::PrintError(stdout, stderr, e);
  return noisett::cli::kExitUsage;
}

// 'noisett: unknown_command: no command "histroy"; did you mean "history.list"?', in command
// mode's one error shape, exit status 2. `others`: the CLI's own subcommands.
int RefuseUnknownCommand(std::string_view typed, const std::vector<std::string_view>& others) {
  return RefuseUsage(noisett::MakeError(noisett::ErrorCode::kNotFound, "unknown_command",
                                        noisett::cli::UnknownCommandMessage(typed, others)));
}

// `noisett NAME --help` (or -h) anywhere after the name.
bool AsksForHelp(int argc, char** argv) {
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) return true;
  }
  return false;
}

// The settings every store-using command offers as flags: listed once in the top-level help.
std::vector<std::string_view> SharedFlags() {
  std::vector<std::string_view> flags;
  for (const app::Setting& s : app::Settings()) {
    if (s.offers_flag(app::kServe) && s.offers_flag(app::kCommandMode) &&
        s.offers_flag(app::kMaintenance)) {
      flags.push_back(s.flag);
    }
  }
  return flags;
}

std::string TopLevelHelp(CLI::App& cli) {
  std::vector<noisett::cli::HelpEntry> subcommands;
  for (const CLI::App* sub : cli.get_subcommands([](CLI::App*) { return true; })) {
    subcommands.push_back({sub->get_name(), sub->get_description()});
  }
  return noisett::cli::TopLevelHelp(VersionLine(), subcommands, noisett::service::CommandDocs(),
                                    SharedFlags());
}

bool IsVersionRequest(int argc, char** argv) {
  return argc == 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-V") == 0);
}

// `noisett NAME 'JSON' [--user U | --server URL] ...`: its own small parser, because command
// names (history.list) are open-ended and must not collide with the subcommands.
int RunCommandModeMain(int argc, char** argv) {
  CLI::App cmd{"noisett NAME 'JSON': run one command", "noisett"};
  CommandModeArgs args;
  args.name = argv[1];
  cmd.add_option("json", args.json, "The command input, a JSON object (default {})");
  cmd.add_option("--user,-u", args.user, "Direct mode: run as this user (operators)");
  cmd.add_option("--server", args.server, "Remote mode: the server's base URL");
  cmd.add_option("--file,-f", args.file, "images.upload: the image file");
  SettingFlags settings(&cmd, app::kCommandMode);
  cmd.footer(
      "Exit status: 0 done; 1 the command failed (reason on stderr); 2 usage or set-up error; "
      "3 the blob store is out of space (HTTP 507 in remote mode): free space, then retry.\n\n" +
      app::EnvironmentHelp(app::kCommandMode));
  if (AsksForHelp(argc, argv)) {
    const noisett::service::CommandDoc* doc = noisett::service::FindCommandDoc(args.name);
    if (doc == nullptr) return RefuseUnknownCommand(args.name, {});
    std::fputs((noisett::cli::CommandHelp(*doc) + cmd.help()).c_str(), stdout);
    return 0;
  }
  try {
    cmd.parse(argc - 1, argv + 1);
  } catch (const CLI::ParseError& e) {
    // Command mode's one error shape, for a mistyped flag too (without any secret of argv).
    const std::string why = WithoutSecrets(e.what(), argc, argv) + " (noisett NAME --help)";
    return RefuseUsage(noisett::MakeError(noisett::ErrorCode::kInvalidArgument, "usage", why));
  }
  auto config = settings.Load();
  if (!config) return RefuseUsage(config.error());
  return noisett::cli::RunCommandMode(args, *config, stdout, stderr);
}

int FinishOptimize(OptimizeArgs& args, const app::Config& config, const std::string& quality,
                   const std::string& format) {
  args.options.quality = *noisett::image::ParseQuality(quality);
  args.options.format = *noisett::image::ParseOutputFormat(format);
  args.options.limits = config.backend.optimize.limits;
  return noisett::cli::RunOptimize(args, stdout, stderr);
}

// lifecycle.run and lifecycle.export are both operator subcommands (on the local store) and
// admin commands of the registry (`noisett lifecycle.run '{"dry_run":true}' --server URL`): an
// invocation with a JSON input or command mode's --server / --user is the command.
bool IsCommandModeInvocation(int argc, char** argv) {
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.substr(0, 1) == "{") return true;
    for (std::string_view flag : {"--server", "--user", "-u"}) {
      if (arg == flag || (arg.size() > flag.size() && arg.substr(0, flag.size() + 1) ==
                                                          std::string(flag) + "=")) {
        return true;
      }
    }
  }
  return false;
}

// Subcommands with a dotted name are not commands of the registry.
bool IsCommandName(int argc, char** argv) {
  const char* arg = argv[1];
  if (arg[0] == '-') return false;
  if (std::strchr(arg, '.') == nullptr && std::strcmp(arg, "generate") != 0) return false;
  if (std::strcmp(arg, "catalog.rebuild") == 0) return false;
  for (const char* tool : {"lifecycle.run", "lifecycle.export"}) {
    if (std::strcmp(arg, tool) == 0) return IsCommandModeInvocation(argc, argv);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  noisett::cli::TuneAllocatorForImages();
  if (IsVersionRequest(argc, argv)) {
    std::printf("%s\n", VersionLine().c_str());
    return 0;
  }
  // Commands are dotted names (history.list), plus `generate`.
  if (argc >= 2 && IsCommandName(argc, argv)) return RunCommandModeMain(argc, argv);
  CLI::App cli{
      "noisett: the secure image back end of the image-generation app.\n"
      "Checks Microsoft Entra ID (or dev issuer) tokens, optimizes and thumbnails images "
      "(libvips), stores them under each person's path, hands out signed links and keeps "
      "history and favorites.",
      "noisett"};
  cli.require_subcommand(1);

  OptimizeArgs optimize;
  optimize.jobs = int(std::max(1u, std::thread::hardware_concurrency()));
  std::string quality = "medium";
  std::string format = "jpeg";
  AddOptimize(cli, optimize, quality, format);
  TokenArgs token_args;
  std::string token_scope;
  AddToken(cli, token_args, token_scope);
  CLI::App* whoami = cli.add_subcommand(
      "whoami",
      "Check a token with the server's validator and settings: prints the user as JSON, or "
      "{\"error\":{code, reason, message}} with the refusal reason");
  whoami->footer("Exit status: 0 valid, 1 refused (reason on stdout), 2 configuration error.");
  CLI::App* serve = cli.add_subcommand(
      "serve",
      "Run the HTTP API (docs/api.md) and the web gallery at / (docs/web.md) on the configured "
      "store and catalog until SIGTERM/SIGINT");
  serve->footer(
      "Creates the store on its first start. Exit status: 0 after a graceful stop, 2 when it "
      "cannot start.");
  CLI::App* init = cli.add_subcommand(
      "init",
      "Create the store (data directory, local blob store, SQLite catalog, link keys) as the "
      "first `serve` would; idempotent. Other commands refuse a missing store");
  init->footer("Exit status: 0 the store exists (created or already there), 2 it cannot be made.");
  MaintenanceArgs rebuild_args, fsck_args;
  AddMaintenance(cli, rebuild_args, fsck_args);
  LifecycleArgs lifecycle_run;
  AddLifecycle(cli, lifecycle_run);

  // Each subcommand's settings, by the command set it belongs to.
  std::map<std::string, std::pair<uint32_t, std::unique_ptr<SettingFlags>>> settings;
  for (const auto& [name, command] :
       std::vector<std::pair<std::string, uint32_t>>{{"optimize", app::kOptimize},
                                                     {"token", app::kToken},
                                                     {"whoami", app::kWhoami},
                                                     {"serve", app::kServe},
                                                     {"init", app::kMaintenance},
                                                     {"catalog.rebuild", app::kMaintenance},
                                                     {"fsck", app::kMaintenance},
                                                     {"lifecycle.run", app::kMaintenance},
                                                     {"lifecycle.export", app::kMaintenance}}) {
    settings[name] = {command, std::make_unique<SettingFlags>(cli.get_subcommand(name), command)};
  }

  if (auto unknown = UnknownFirstWord(cli, argc, argv)) {
    const std::vector<std::string> names = SubcommandNames(cli);
    return RefuseUnknownCommand(*unknown, {names.begin(), names.end()});
  }
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    // The top-level help lists the commands; each command's help has its options.
    if (cli.get_subcommands().empty()) {
      std::fputs(TopLevelHelp(cli).c_str(), stdout);
      return 0;
    }
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    return ParseFailure(cli, e, argc, argv);
  }
  const std::string chosen = cli.get_subcommands().front()->get_name();
  auto config = settings.at(chosen).second->Load();
  if (!config) {
    std::fprintf(stderr, "noisett %s: %s\n", chosen.c_str(), config.error().ToString().c_str());
    return 2;
  }
  if (!token_scope.empty()) token_args.scope = token_scope;
  try {
    if (chosen == "optimize") return FinishOptimize(optimize, *config, quality, format);
    if (chosen == "token") return noisett::cli::RunToken(token_args, *config, stdout, stderr);
    if (chosen == "serve") return noisett::cli::RunServe(*config, stderr);
    if (chosen == "init") return noisett::cli::RunInit(*config, stdout, stderr);
    if (chosen == "catalog.rebuild") {
      return noisett::cli::RunCatalogRebuild(rebuild_args, *config, stdout, stderr);
    }
    if (chosen == "fsck") return noisett::cli::RunFsck(fsck_args, *config, stdout, stderr);
    if (chosen == "lifecycle.run") {
      return noisett::cli::RunLifecycleSweep(lifecycle_run, *config, stdout, stderr);
    }
    if (chosen == "lifecycle.export") {
      return noisett::cli::RunLifecycleExport(*config, stdout, stderr);
    }
    if (chosen == "whoami") return noisett::cli::RunWhoami(*config, stdout, stderr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "noisett: %s\n", e.what());
    return 2;
  }
  return 2;
}
