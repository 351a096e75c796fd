// Placeholder until the SSRF-safe fetcher lands (issue 9).
#include "net/safe_fetch.h"

namespace noisett::net {

Result<ImportPolicy> ParseImportPolicy(std::string_view, std::string_view) { return ImportPolicy{}; }

Result<Fetched> SafeFetch(std::string_view, const ImportPolicy&) {
  return Unexpected(MakeError(ErrorCode::kUnavailable, "fetch_failed", "not implemented yet"));
}

}  // namespace noisett::net
