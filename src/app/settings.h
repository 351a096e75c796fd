// The settings table: every setting's environment variable, flag, default and help, and how its
// text becomes a typed Config value. The CLI offers each flag on the commands it belongs to and
// builds `noisett --help` from this table; LoadConfig (config.h) reads through it. To add a
// setting, add one row here (and its field to Config).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "app/config.h"

namespace noisett::app {

struct Setting {
  std::string_view env;           // "NOISETT_PG_POOL"
  std::string_view flag;          // "--pg-pool"; "" for a variable without a flag
  std::string_view short_flag;    // "-t"; usually ""
  std::string_view default_text;  // as --help shows it; "" when there is nothing to show
  std::string_view help;          // one sentence
  uint32_t commands;              // CommandSet bits where the setting is read
  uint32_t flag_commands;         // where its flag is offered; 0: the same as `commands`
  bool is_switch = false;         // a flag without a value ("--auth-accept-v1")
  // Parses `text` into `config`. Errors: the reason, without the setting's name (LoadConfig
  // adds it).
  Status (*apply)(Config& config, std::string_view text);

  bool offers_flag(uint32_t command) const {
    return !flag.empty() && ((flag_commands == 0 ? commands : flag_commands) & command) != 0;
  }
};

// Every setting, in the order --help lists them.
std::span<const Setting> Settings();

// The "Environment variables" section of --help: each variable read by one of `commands`, with
// its flag and default.
std::string EnvironmentHelp(uint32_t commands);

// "24h", "30m", "3600", "off" or "0": seconds, 0 for off; at least 60 when on.
// Errors: kInvalidArgument "bad_interval".
Result<int64_t> ParseLifecycleInterval(std::string_view text);

}  // namespace noisett::app
