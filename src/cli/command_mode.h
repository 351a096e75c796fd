// `noisett NAME 'JSON'`: any command from the shell. Direct mode runs it on the configured store
// and catalog (app::App) as the operator-named `--user`; remote mode sends it to a server
// (`--server URL`) with the caller's token (NOISETT_TOKEN). Output is the command's JSON on stdout.
#pragma once

#include <cstdio>
#include <string>

#include "app/config.h"

namespace noisett::cli {

struct CommandModeArgs {
  std::string name;         // "history.list"
  std::string json = "{}";  // the input object
  std::string user;         // direct mode: whose data
  std::string server;       // remote mode: http(s)://host:port
  std::string file;         // images.upload: the image file
};

// Exit status: 0 success; 1 the command failed (reason on stderr); 2 usage or set-up error.
int RunCommandMode(const CommandModeArgs& args, const app::Config& config, std::FILE* out,
                   std::FILE* err);

}  // namespace noisett::cli
