// Reading the configuration through the settings table.
#include "app/config.h"

#include <unistd.h>

#include "app/settings.h"

extern char** environ;  // POSIX: the process's environment

namespace noisett::app {
namespace {

// `error` with the name the value came from in front of its message.
Unexpected Named(std::string_view name, const Error& error) {
  return Unexpected(MakeError(error.code, error.reason, std::string(name) + ": " + error.message));
}

// The checks that need more than one setting.
Status CheckTogether(Config& config) {
  config.auth.data_dir = config.data_dir;
  auto import = net::ParseImportPolicy(config.backend.import_allow, config.backend.import_hosts);
  if (!import) return Unexpected(import.error());
  config.backend.import = *import;
  config.backend.generator.replicate.downloads = *import;
  return Ok();
}

}  // namespace

Environment ProcessEnvironment() {
  Environment out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const size_t equals = text.find('=');
    if (equals == std::string_view::npos || equals + 1 == text.size()) continue;
    out.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return out;
}

Result<Config> LoadConfig(uint32_t command, const Flags& flags, const Environment& environment) {
  Config config;
  for (const auto& [flag, value] : flags) {
    bool known = false;
    for (const Setting& s : Settings()) known = known || (s.flag == flag && s.offers_flag(command));
    if (!known) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "unknown_flag",
                                  flag + " is not a setting of this command"));
    }
  }
  for (const Setting& s : Settings()) {
    if ((s.commands & command) == 0) continue;
    std::string_view name = s.env;
    const std::string* value = nullptr;
    if (auto it = flags.find(s.flag);
        !s.flag.empty() && it != flags.end() && s.offers_flag(command)) {
      name = s.flag;
      value = &it->second;
    } else if (auto env = environment.find(s.env);
               env != environment.end() && !env->second.empty()) {
      value = &env->second;
    }
    if (value == nullptr) continue;
    if (auto ok = s.apply(config, *value); !ok) return Named(name, ok.error());
  }
  if (auto ok = CheckTogether(config); !ok) return Unexpected(ok.error());
  return config;
}

}  // namespace noisett::app
