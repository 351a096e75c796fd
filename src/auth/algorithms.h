// The JWS algorithms Noisett can verify. Anything else (none, HS*, RS384, ...) has no value here,
// so it can never be selected: the allow-list is a set of these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace noisett::auth {

enum class Alg { kRS256, kPS256, kES256 };

std::string_view AlgName(Alg alg);
std::optional<Alg> ParseAlg(std::string_view name);

// "RS256,ES256" -> {RS256, ES256}. Refuses unknown names, none and HS* with a clear error.
Result<std::vector<Alg>> ParseAlgList(std::string_view list);

}  // namespace noisett::auth
