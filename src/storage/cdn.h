// Building blob URLs: validating a configured base URL (NOISETT_PUBLIC_URL, NOISETT_CDN_URL), the
// container and blob path a link may name, and joining them into "{base}/{container}/{path}" with
// the path percent-encoded. The CDN URL is exactly that join; the local link signer uses the same
// pieces for its "{public}/blobs/..." URLs. Signing, expiry and cache headers are link_signer.h's.
// Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace noisett::storage {

// `base` checked and with trailing '/' removed: an http:// or https:// URL (scheme in any case)
// with a non-empty host, optionally a path prefix ("https://cdn.example.com/img"), and nothing
// else: no user info ('@'), query ('?'), fragment ('#'), spaces, control or non-ASCII bytes.
// Errors: kInvalidArgument "bad_base_url", the message naming `what` (the setting's name).
Result<std::string> NormalizeBaseUrl(std::string_view base, std::string_view what);

// What a link may point at. The container follows Azure's rules (3-63 of [a-z0-9-], starting and
// ending with a letter or digit, no "--"), so the first '/' after it is unambiguous. The path is
// 1-1024 bytes of relative '/'-separated segments: no empty, "." or ".." segment, no control bytes
// and no '\'. Errors: kInvalidArgument "link_bad_container" or "link_bad_path".
Status ValidateLinkTarget(std::string_view container, std::string_view blob_path);

// "{base}/{container}/{blob_path}", the path percent-encoded with PercentKeep::kLinkPath.
// REQUIRES: base came from NormalizeBaseUrl and the target passes ValidateLinkTarget.
std::string JoinBlobUrl(std::string_view base, std::string_view container,
                        std::string_view blob_path);

// "{cdn_base}/{container}/{encoded path}", never with a double slash. The URL carries no query:
// what the CDN itself requires to fetch from its origin is the CDN's configuration.
// Errors: those of NormalizeBaseUrl (what = "NOISETT_CDN_URL") and ValidateLinkTarget.
Result<std::string> CdnUrl(std::string_view cdn_base, std::string_view container,
                           std::string_view blob_path);

// CdnUrl when a CDN base is configured, else `fallback` (the signed link) unchanged: `images.url`'s
// cdn_url field.
Result<std::string> CdnUrlOr(const std::optional<std::string>& cdn_base, std::string_view container,
                             std::string_view blob_path, std::string_view fallback);

}  // namespace noisett::storage
