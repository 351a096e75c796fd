// Azure SAS query strings: the user delegation SAS (signed with a key fetched with a bearer token:
// production, no account key) and the service SAS (signed with the account key: Azurite and
// development). Pure functions over fixed inputs, so tests compare them byte for byte with the
// official @azure/storage-blob SDK. String-to-sign layouts: REFERENCE.md §1.1 and §1.2, for the
// signed version given (kSasVersion by default).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/azure/azure_config.h"  // kSasVersion

namespace noisett::storage::azure {

// What Get User Delegation Key returned (times as Azure wrote them, "2026-11-24T10:00:00Z").
struct UserDelegationKey {
  std::string signed_oid;
  std::string signed_tid;
  std::string signed_start;
  std::string signed_expiry;
  std::string signed_service = "b";
  std::string signed_version;
  std::string value;        // base64, as returned
  int64_t expiry_unix = 0;  // signed_expiry parsed
};

struct SasFields {
  std::string account;
  std::string container;
  std::string blob;              // unencoded blob name
  std::string permissions = "r";
  int64_t start = 0;             // Unix seconds; 0 = no st
  int64_t expiry = 0;            // Unix seconds
  std::string protocol = "https";  // or "https,http" for loopback endpoints
  std::string version;           // sv; empty = kSasVersion
  std::string cache_control;     // rscc; empty = none
};

// "YYYY-MM-DDThh:mm:ssZ" (UTC), SAS time format.
std::string SasTime(int64_t unix_seconds);
// Inverse of SasTime (also accepts fractional seconds "....1234567Z" as Azure returns them).
// Errors: kInvalidArgument "bad_time".
Result<int64_t> ParseSasTime(std::string_view text);

// The query string (no leading '?'), parameters in the SDK's order, values percent-encoded as the
// SDK does (encodeURIComponent; empty values left out). sv 2020-12-06 through 2026-10-06 are
// implemented; the user delegation layout has 24 lines below 2025-07-05, 26 from 2025-07-05
// (skdutid, sduoid) and 28 from 2026-04-06 (srh, srq). Permissions are written in Azure's
// canonical order ("racwdxtmeiy"). Errors: kInvalidArgument "bad_account_key" /
// "bad_delegation_key" (not base64, or a key field missing or unreadable), "sas_bad_version" (a
// sv whose layout is not implemented), "sas_bad_permissions" (a letter unknown or repeated, or
// none), "sas_bad_field" (a line break in a field, which would shift the signed lines; no expiry).
Result<std::string> ServiceSasQuery(const SasFields& fields, std::string_view account_key_base64);
Result<std::string> UserDelegationSasQuery(const SasFields& fields, const UserDelegationKey& key);

// The exact strings signed (for tests and for 403 diagnostics).
std::string ServiceSasStringToSign(const SasFields& fields);
std::string UserDelegationSasStringToSign(const SasFields& fields, const UserDelegationKey& key);

}  // namespace noisett::storage::azure
