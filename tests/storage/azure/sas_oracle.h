// Runs tests/storage/azure/sas_oracle.mjs: the official @azure/storage-blob SDK signs the same
// inputs as Noisett, for byte-for-byte comparisons of SAS query strings.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/azure/azure_sas.h"

namespace noisett::testing {

struct SasOracleCase {
  storage::azure::SasFields fields;  // version must be set (the SDK's default differs)
  std::string account_key;           // service SAS when set
  std::optional<storage::azure::UserDelegationKey> key;  // else user delegation SAS
};

struct SasOracleResult {
  std::vector<std::string> queries;  // one per case, in order
  std::string error;                 // why node failed; empty on success
};

// One node run for all cases. Fails (error set) when node or the SDK is missing, saying so.
SasOracleResult RunSasOracle(const std::vector<SasOracleCase>& cases);

}  // namespace noisett::testing
