#include "storage/azure/sas_oracle.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/subprocess.h"

namespace noisett::testing {
namespace {

nlohmann::json CaseJson(const SasOracleCase& c) {
  const auto& f = c.fields;
  nlohmann::json j = {
      {"account", f.account},
      {"container", f.container},
      {"blob", f.blob},
      {"permissions", f.permissions},
      {"expiry", storage::azure::SasTime(f.expiry)},
      {"protocol", f.protocol},
      {"version", f.version},
  };
  if (f.start > 0) j["start"] = storage::azure::SasTime(f.start);
  if (!f.cache_control.empty()) j["cacheControl"] = f.cache_control;
  if (!c.account_key.empty()) {
    j["accountKey"] = c.account_key;
  } else {
    const auto& k = *c.key;
    j["userDelegationKey"] = {
        {"signedObjectId", k.signed_oid},     {"signedTenantId", k.signed_tid},
        {"signedStartsOn", k.signed_start},   {"signedExpiresOn", k.signed_expiry},
        {"signedService", k.signed_service},  {"signedVersion", k.signed_version},
        {"value", k.value},
    };
  }
  return j;
}

}  // namespace

SasOracleResult RunSasOracle(const std::vector<SasOracleCase>& cases) {
  SasOracleResult result;
  nlohmann::json input = nlohmann::json::array();
  for (const auto& c : cases) input.push_back(CaseJson(c));
  ProcessOptions options;
  options.stdin_text = input.dump();
  options.working_dir = NOISETT_REPO_ROOT;
  const ProcessResult run = RunProcess({NOISETT_NODE, NOISETT_SAS_ORACLE}, options);
  if (run.status != 0) {
    result.error = "node " NOISETT_SAS_ORACLE " failed (needs node and `npm ci` at the repo root "
                   "for @azure/storage-blob): status " +
                   std::to_string(run.status) + ": " + run.err;
    return result;
  }
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) result.queries.push_back(line);
  if (result.queries.size() != cases.size()) {
    result.error = "the oracle printed " + std::to_string(result.queries.size()) +
                   " lines for " + std::to_string(cases.size()) + " cases: " + run.out;
  }
  return result;
}

}  // namespace noisett::testing
