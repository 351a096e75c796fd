// The fix for the one token refusal whose cause the CLI can tell: "unknown_kid" for a dev token
// (`noisett token`), which a server trusts only when it runs on the data directory whose dev
// issuer key signed it. The CLI looks in its own --data-dir's dev-issuer/jwks.json (never
// creating a key) and says whether the token came from there.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace noisett::cli {

// `e` with the fix appended to its message when it is an "unknown_kid" refusal and `token` is a
// compact JWS; otherwise `e` unchanged. `data_dir` is this invocation's --data-dir.
Error WithDevKeyHint(Error e, std::string_view token, const std::string& data_dir);

}  // namespace noisett::cli
