// Names of the verifiable algorithms and the allow-list parser.
#include "auth/algorithms.h"

#include "auth/auth_config.h"

namespace noisett::auth {

std::string_view AlgName(Alg alg) {
  switch (alg) {
    case Alg::kRS256: return "RS256";
    case Alg::kPS256: return "PS256";
    case Alg::kES256: return "ES256";
  }
  return "RS256";
}

std::optional<Alg> ParseAlg(std::string_view name) {
  if (name == "RS256") return Alg::kRS256;
  if (name == "PS256") return Alg::kPS256;
  if (name == "ES256") return Alg::kES256;
  return std::nullopt;
}

Result<std::vector<Alg>> ParseAlgList(std::string_view list) {
  std::vector<Alg> algs;
  for (const std::string& name : SplitList(list)) {
    auto alg = ParseAlg(name);
    if (!alg) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_config",
                                  "NOISETT_AUTH_ALGS: '" + name +
                                      "' is not allowed (choose from RS256, PS256, ES256; none "
                                      "and HS* are never accepted)"));
    }
    algs.push_back(*alg);
  }
  if (algs.empty()) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_config",
                                "NOISETT_AUTH_ALGS: empty list (default RS256)"));
  }
  return algs;
}

}  // namespace noisett::auth
