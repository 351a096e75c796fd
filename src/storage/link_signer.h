// Short-lived read-only links to one blob. `LinkSigner` is what the service asks for a link; the
// local implementation below signs links the server itself later verifies (GET|HEAD /blobs/...),
// and the Azure user-delegation-SAS signer of a later issue implements the same interface. Key
// material is link_keys.h's; base URLs and path encoding are cdn.h's; query parsing is
// query_params.h's.
//
// Local link format, sv "noisett-1":
//   {public}/blobs/{container}/{percent-encoded path}?sv=noisett-1&se=2026-11-23T18%3A00%3A00Z
//       &sr=b&sp=r&skid={key id}&sig={percent-encoded base64 HMAC}
// sig = Base64(HMAC-SHA256(secret of skid, UTF-8 string-to-sign)), where the string-to-sign is
// these seven values joined with "\n" (no trailing newline), as Azure does, each exactly as it
// appears in the query after percent-decoding:
//   sp                                 "r"
//   st                                 always empty in noisett-1 (an st in a query is still signed
//                                      as given, so adding one breaks the signature)
//   se                                 "YYYY-MM-DDThh:mm:ssZ", UTC, the first instant it is invalid
//   /blob/{container}/{decoded path}   Azure's canonicalized resource, minus the account
//   skid                               the key id
//   sv                                 "noisett-1"
//   sr                                 "b"
// A different field list or order needs a new sv; the verifier refuses any sv it does not know.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "storage/link_keys.h"
#include "storage/query_params.h"

namespace noisett::storage {

inline constexpr char kLocalLinkVersion[] = "noisett-1";
// At most a week, like S3 and MinIO presigned URLs (and images.url's expiry_hours <= 168).
inline constexpr int64_t kMaxLinkLifetimeSeconds = 7 * 24 * 3600;  // 604800
// How far ahead of the verifier's clock another instance's clock may run: its week-long links
// still verify.
inline constexpr int64_t kLinkClockSkewSeconds = 300;
// The cap on Cache-Control max-age: one year, as the design documents give for immutable images.
inline constexpr int64_t kMaxCacheAgeSeconds = 365 * 24 * 3600;  // 31536000

struct SignedLink {
  std::string url;
  int64_t expires_at = 0;  // Unix seconds; may be earlier than asked for (see Sign)
};

// What a link is signed for: valid until `expires_at`, and handed out, the same URL byte for
// byte, until just before `issued_until` (Unix seconds; 0: only now). A cache may keep what it
// fetched for expires_at - issued_until seconds: a copy fetched when the link was last handed out
// is gone by the time the link expires. Signers whose URL carries the cache lifetime (Azure's rscc) use it; the
// local link's handler computes max-age when it serves.
struct LinkTerms {
  int64_t expires_at = 0;
  int64_t issued_until = 0;
};

// Terms for a link with a lifetime of `ttl_s` asked for at `now`, in buckets of `bucket_s`
// seconds (NOISETT_LINK_BUCKET): every call during one bucket gets the same terms, so the same
// URL, and browser and CDN caches keep hitting. The lifetime counts from the bucket's end: at
// least ttl_s, at most ttl_s + bucket_s, and never past kMaxLinkLifetimeSeconds (a longer ttl_s
// is shortened by a bucket). bucket_s <= 1: no buckets, expires_at = now + ttl_s. Pure.
LinkTerms BucketedLinkTerms(int64_t now, int64_t ttl_s, int64_t bucket_s);

class LinkSigner {
 public:
  LinkSigner() = default;
  LinkSigner(const LinkSigner&) = delete;
  LinkSigner& operator=(const LinkSigner&) = delete;
  virtual ~LinkSigner() = default;

  // A read-only link to blob `blob_path` in `container`, valid until `terms.expires_at` (Unix
  // seconds). The expiry is capped at kMaxLinkLifetimeSeconds from now (and possibly earlier by
  // an implementation's own limits); the result says which expiry the link actually carries.
  // The same terms give the same URL for as long as the signer's keys stay the same.
  // Errors: kInvalidArgument "link_bad_container" / "link_bad_path" (cdn.h ValidateLinkTarget),
  // "link_bad_expiry" when expires_at is not in the future; implementations may add kUnavailable
  // for a key service that cannot be reached. Thread-safe.
  virtual Result<SignedLink> SignFor(std::string_view container, std::string_view blob_path,
                                     const LinkTerms& terms) = 0;

  // SignFor a link handed out only now.
  Result<SignedLink> Sign(std::string_view container, std::string_view blob_path,
                          int64_t expires_at) {
    return SignFor(container, blob_path, LinkTerms{.expires_at = expires_at});
  }
};

// Signs and verifies the local link format above with a LinkKeySet: the newest key signs, every key
// verifies. Immutable after construction; Sign and Verify are safe from many threads.
class LocalLinkSigner final : public LinkSigner {
 public:
  // `public_base_url` is NOISETT_PUBLIC_URL. `clock` must outlive the signer.
  // Errors: kInvalidArgument "bad_base_url" (cdn.h NormalizeBaseUrl).
  static Result<std::unique_ptr<LocalLinkSigner>> Create(std::string_view public_base_url,
                                                         LinkKeySet keys, const Clock& clock);

  Result<SignedLink> SignFor(std::string_view container, std::string_view blob_path,
                             const LinkTerms& terms) override;

  // Ok when `query` is a link this signer's keys made for exactly (container, blob_path), still
  // valid at `now`. `blob_path` is the decoded path from the request URL. Every refusal is
  // kPermissionDenied (the HTTP layer answers 403) with one of these reasons:
  //   link_missing_param   sv, se, sr, sp, skid or sig absent
  //   link_duplicate_param one of them present twice
  //   link_bad_version     sv is not noisett-1
  //   link_bad_permission  sp is not "r" or sr is not "b"
  //   link_unknown_key     no key with that skid (e.g. rotated out)
  //   link_bad_signature   sig does not match (any other changed field, container or path)
  //   link_expired         now >= se
  //   link_bad_expiry      se more than kMaxLinkLifetimeSeconds (+ kLinkClockSkewSeconds) after
  //                        now: a lifetime no link may have, whoever signed it
  // The signature is compared in constant time.
  Status Verify(std::string_view container, std::string_view blob_path, const QueryParams& query,
                int64_t now) const;
  // Verify on a request's raw query (the part after '?', still percent-encoded), with the same
  // answer as QueryParams::Parse's refusals followed by Verify's; on success, the link's expiry
  // (se). A link as this server signs it is checked without allocating (QueryView).
  Result<int64_t> VerifyQuery(std::string_view container, std::string_view blob_path,
                              std::string_view raw_query, int64_t now) const;

  // The signed query values, each present exactly once (but st, which may be absent).
  struct LinkFields {
    std::string_view sv, se, sr, sp, skid, sig, st;
  };

 private:
  // Everything Verify checks once the fields are read; the expiry.
  Result<int64_t> CheckFields(std::string_view container, std::string_view blob_path,
                              const LinkFields& f, int64_t now) const;

  LocalLinkSigner(std::string base, LinkKeySet keys, const Clock& clock)
      : blobs_base_(std::move(base) + "/blobs"), keys_(std::move(keys)), clock_(&clock) {}

  std::string blobs_base_;  // the normalized base URL + "/blobs", where links point
  LinkKeySet keys_;
  const Clock* clock_;
};

// The string-to-sign described above (exposed for tests and for documenting the format).
std::string LocalLinkStringToSign(std::string_view sp, std::string_view st, std::string_view se,
                                  std::string_view container, std::string_view blob_path,
                                  std::string_view skid, std::string_view sv, std::string_view sr);

// Unix seconds as "YYYY-MM-DDThh:mm:ssZ" (UTC); REQUIRES 0 <= t < year 10000.
std::string FormatIsoUtc(int64_t t);
// The inverse, accepting only that exact form. Errors: kInvalidArgument "bad_time".
Result<int64_t> ParseIsoUtc(std::string_view text);

// Seconds a cache may keep a response served under a link expiring at `expires_at`: the link's
// remaining lifetime, at most kMaxCacheAgeSeconds, never negative.
int64_t MaxAgeFor(int64_t expires_at, int64_t now);

// "public, max-age=N, immutable" with N = MaxAgeFor(expires_at, now).
std::string CacheControlFor(int64_t expires_at, int64_t now);

// The Cache-Control of a link signed for `terms` with the expiry `expires_at` it got (maybe
// earlier than the terms'), signed at `now`: what a copy fetched at any moment the link is handed
// out may be kept for, CacheControlFor(expires_at, max(now, terms.issued_until)).
std::string CacheControlForTerms(const LinkTerms& terms, int64_t expires_at, int64_t now);

}  // namespace noisett::storage
