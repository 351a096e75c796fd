// Why a request was refused, in the stable words the HTTP layer, the CLI and the logs share.
// Every refusal is an Error with code kUnauthenticated (401) and one of the reasons below, except
// a missing admin role: kPermissionDenied (403) with reason "not_admin".
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace noisett::auth {

namespace reason {
inline constexpr std::string_view kMissing = "missing";
inline constexpr std::string_view kMalformed = "malformed";
inline constexpr std::string_view kBadSignature = "bad_signature";
inline constexpr std::string_view kAlgNotAllowed = "alg_not_allowed";
inline constexpr std::string_view kUnknownKid = "unknown_kid";
inline constexpr std::string_view kExpired = "expired";
inline constexpr std::string_view kNotYetValid = "not_yet_valid";
inline constexpr std::string_view kWrongIssuer = "wrong_issuer";
inline constexpr std::string_view kWrongAudience = "wrong_audience";
inline constexpr std::string_view kWrongTenant = "wrong_tenant";
inline constexpr std::string_view kMissingOid = "missing_oid";
inline constexpr std::string_view kMissingScope = "missing_scope";
inline constexpr std::string_view kNotAdmin = "not_admin";
}  // namespace reason

// An authentication refusal (kUnauthenticated) with the given reason.
Error Refusal(std::string_view reason, std::string message);

// The RFC 6750 challenge for a refusal, the value of WWW-Authenticate:
//   Bearer realm="noisett"                                         (reason "missing")
//   Bearer realm="noisett", error="invalid_token", error_description="expired: ..."
//   Bearer realm="noisett", error="insufficient_scope", ...         (missing_scope, not_admin)
// Quotes and backslashes in the description are removed so the header stays well-formed.
std::string BearerChallenge(const Error& refusal, std::string_view realm = "noisett");

}  // namespace noisett::auth
