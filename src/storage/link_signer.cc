// The local link format (see the header for the string-to-sign). Verification checks the cheap,
// public fields first so a refusal says what is wrong, then the signature, and only then the
// expiry: "link_expired" is reported only for links this server really made.
#include "storage/link_signer.h"

#include <algorithm>
#include <iterator>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "core/base64.h"
#include "storage/cdn.h"
#include "storage/hmac.h"

namespace noisett::storage {
namespace {

constexpr char kReadPermission[] = "r";
constexpr char kBlobResource[] = "b";
// The parameters a noisett-1 link may carry: every one but the last (st) always, in the order Sign
// writes them (Azure's order).
constexpr const char* kFieldNames[] = {"sv", "se", "sr", "sp", "skid", "sig", "st"};
constexpr size_t kRequiredFields = 6;
constexpr size_t kIsoUtcChars = 20;  // "2026-11-23T18:00:00Z"

Error Refuse(std::string reason, std::string message) {
  return MakeError(ErrorCode::kPermissionDenied, std::move(reason), std::move(message));
}

// No value in a genuine link holds a control byte; refusing them up front keeps the "\n"-joined
// string-to-sign unambiguous (no value can impersonate a field boundary).
bool HasControlByte(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7F;
  });
}

using LinkFields = LocalLinkSigner::LinkFields;

// `pairs`: QueryParams::entries() or a QueryView, the same pairs either way.
template <typename Pairs>
Result<LinkFields> ReadFields(const Pairs& pairs) {
  // One pass over the query (every signed-link GET comes here), counting each field; then the
  // refusals in kFieldNames' order, so the first field missing or repeated is the one named.
  LinkFields f;
  std::string_view* slots[] = {&f.sv, &f.se, &f.sr, &f.sp, &f.skid, &f.sig, &f.st};
  static_assert(std::size(slots) == std::size(kFieldNames));
  int counts[std::size(kFieldNames)] = {};
  for (const auto& [name, value] : pairs) {
    for (size_t i = 0; i < std::size(kFieldNames); ++i) {
      if (name != kFieldNames[i]) continue;
      ++counts[i];
      *slots[i] = value;
      break;
    }
  }
  for (size_t i = 0; i < std::size(kFieldNames); ++i) {
    if (i < kRequiredFields && counts[i] == 0) {
      return Unexpected(Refuse("link_missing_param", std::string("no ") + kFieldNames[i]));
    }
    if (counts[i] > 1) {
      return Unexpected(Refuse("link_duplicate_param", std::string(kFieldNames[i]) + " twice"));
    }
  }
  return f;
}

}  // namespace

namespace {

void AppendLocalLinkStringToSign(std::string& s, std::string_view sp, std::string_view st,
                                 std::string_view se, std::string_view container,
                                 std::string_view blob_path, std::string_view skid,
                                 std::string_view sv, std::string_view sr) {
  s.append(sp).append("\n");
  s.append(st).append("\n");
  s.append(se).append("\n");
  s.append("/blob/").append(container).append("/").append(blob_path).append("\n");
  s.append(skid).append("\n");
  s.append(sv).append("\n");
  s.append(sr);
}

}  // namespace

std::string LocalLinkStringToSign(std::string_view sp, std::string_view st, std::string_view se,
                                  std::string_view container, std::string_view blob_path,
                                  std::string_view skid, std::string_view sv, std::string_view sr) {
  std::string s;
  s.reserve(64 + container.size() + blob_path.size());
  AppendLocalLinkStringToSign(s, sp, st, se, container, blob_path, skid, sv, sr);
  return s;
}

namespace {

// "2026-11-23T18:00:00Z" into out[0..19]. By hand: this runs for every link of every history
// page, and snprintf costs 10x as much.
void PutIsoUtc(int64_t t, char* out) {
  using namespace std::chrono;
  const sys_seconds tp{seconds{t}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{tp - day};
  std::memcpy(out, "0000-00-00T00:00:00Z", kIsoUtcChars);
  auto put = [out](size_t at, int value, int width) {
    for (size_t i = at + size_t(width); i-- > at; value /= 10) out[i] = char('0' + value % 10);
  };
  put(0, int(ymd.year()), 4);
  put(5, int(unsigned(ymd.month())), 2);
  put(8, int(unsigned(ymd.day())), 2);
  put(11, int(hms.hours().count()), 2);
  put(14, int(hms.minutes().count()), 2);
  put(17, int(hms.seconds().count()), 2);
}

}  // namespace

std::string FormatIsoUtc(int64_t t) {
  std::string out(kIsoUtcChars, '0');
  PutIsoUtc(t, out.data());
  return out;
}

Result<int64_t> ParseIsoUtc(std::string_view text) {
  auto bad = [] {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_time",
                                "expected a UTC time like 2026-11-23T18:00:00Z"));
  };
  if (text.size() != kIsoUtcChars) return bad();
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  const int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
            sec = num(17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
      sec > 59) {
    return bad();  // no leap seconds: Unix time has none either
  }
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok()) return bad();  // 31 April, 29 February of a common year
  const int64_t t = sys_days{ymd}.time_since_epoch() / seconds{1} + h * 3600 + mi * 60 + sec;
  // Separators and anything else the digit checks skipped: only the exact canonical form passes.
  char canonical[kIsoUtcChars];
  PutIsoUtc(t, canonical);
  if (std::string_view(canonical, kIsoUtcChars) != text) return bad();
  return t;
}

int64_t MaxAgeFor(int64_t expires_at, int64_t now) {
  if (expires_at <= now) return 0;
  // Unsigned subtraction cannot overflow, and expires_at > now makes the difference exact.
  const uint64_t remaining = static_cast<uint64_t>(expires_at) - static_cast<uint64_t>(now);
  return static_cast<int64_t>(std::min<uint64_t>(remaining, kMaxCacheAgeSeconds));
}

std::string CacheControlFor(int64_t expires_at, int64_t now) {
  return "public, max-age=" + std::to_string(MaxAgeFor(expires_at, now)) + ", immutable";
}

std::string CacheControlForTerms(const LinkTerms& terms, int64_t expires_at, int64_t now) {
  return CacheControlFor(expires_at, std::max(now, terms.issued_until));
}

LinkTerms BucketedLinkTerms(int64_t now, int64_t ttl_s, int64_t bucket_s) {
  if (bucket_s <= 1) return LinkTerms{.expires_at = now + ttl_s, .issued_until = now};
  // The end of the bucket holding `now` (floor division: now may precede 1970 in tests).
  const int64_t bucket_start = now - ((now % bucket_s) + bucket_s) % bucket_s;
  const int64_t issued_until = bucket_start + bucket_s;
  // From the bucket's end the link still lives ttl_s, and from its start at most
  // kMaxLinkLifetimeSeconds (the signers' cap, which would otherwise cut it unevenly).
  const int64_t lifetime = std::min(ttl_s, kMaxLinkLifetimeSeconds - bucket_s);
  return LinkTerms{.expires_at = issued_until + std::max<int64_t>(lifetime, 1),
                   .issued_until = issued_until};
}

Result<std::unique_ptr<LocalLinkSigner>> LocalLinkSigner::Create(std::string_view public_base_url,
                                                                 LinkKeySet keys,
                                                                 const Clock& clock) {
  auto base = NormalizeBaseUrl(public_base_url, "NOISETT_PUBLIC_URL");
  if (!base) return Unexpected(base.error());
  return std::unique_ptr<LocalLinkSigner>(
      new LocalLinkSigner(std::move(*base), std::move(keys), clock));
}

Result<SignedLink> LocalLinkSigner::SignFor(std::string_view container,
                                            std::string_view blob_path, const LinkTerms& terms) {
  if (auto ok = ValidateLinkTarget(container, blob_path); !ok) return Unexpected(ok.error());
  const int64_t now = clock_->NowSeconds();
  int64_t expires_at = terms.expires_at;
  if (expires_at <= now) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "link_bad_expiry",
                                "a link must expire in the future"));
  }
  expires_at = std::min(expires_at, now + kMaxLinkLifetimeSeconds);
  const LinkKey& key = keys_.signing();
  const std::string se = FormatIsoUtc(expires_at);
  auto sig = crypto::HmacSha256(
      key.secret, LocalLinkStringToSign(kReadPermission, "", se, container, blob_path, key.id,
                                        kLocalLinkVersion, kBlobResource));
  if (!sig) return Unexpected(sig.error());
  std::string url = JoinBlobUrl(blobs_base_, container, blob_path);
  url.push_back('?');
  const QueryParams query = {{"sv", kLocalLinkVersion}, {"se", se},
                             {"sr", kBlobResource},     {"sp", kReadPermission},
                             {"skid", key.id},          {"sig", Base64Encode(*sig)}};
  query.AppendEncoded(url);
  return SignedLink{std::move(url), expires_at};
}

Status LocalLinkSigner::Verify(std::string_view container, std::string_view blob_path,
                               const QueryParams& query, int64_t now) const {
  auto fields = ReadFields(query.entries());
  if (!fields) return Unexpected(fields.error());
  auto expiry = CheckFields(container, blob_path, *fields, now);
  if (!expiry) return Unexpected(expiry.error());
  return Ok();
}

Result<int64_t> LocalLinkSigner::VerifyQuery(std::string_view container, std::string_view blob_path,
                                             std::string_view raw_query, int64_t now) const {
  // A link as this server signs it decodes on the stack; anything else goes through the
  // allocating parser, which has the last word on what is wrong with it.
  QueryView view;
  if (view.Decode(raw_query)) {
    auto fields = ReadFields(view);
    if (!fields) return Unexpected(fields.error());
    return CheckFields(container, blob_path, *fields, now);
  }
  auto query = QueryParams::Parse(raw_query);
  if (!query) return Unexpected(query.error());
  auto fields = ReadFields(query->entries());
  if (!fields) return Unexpected(fields.error());
  return CheckFields(container, blob_path, *fields, now);
}

Result<int64_t> LocalLinkSigner::CheckFields(std::string_view container, std::string_view blob_path,
                                             const LinkFields& f, int64_t now) const {
  if (f.sv != kLocalLinkVersion) return Unexpected(Refuse("link_bad_version", "unknown sv"));
  if (f.sp != kReadPermission || f.sr != kBlobResource) {
    return Unexpected(Refuse("link_bad_permission", "links are read-only and for one blob"));
  }
  const LinkKey* key = keys_.Find(f.skid);
  if (key == nullptr) return Unexpected(Refuse("link_unknown_key", "no key with that skid"));
  // A container with '/' or a value with a newline could shift the field boundaries of the
  // string-to-sign; no link we sign has either, so they can only be forgeries.
  if (!ValidateLinkTarget(container, blob_path) || HasControlByte(f.se) || HasControlByte(f.st)) {
    return Unexpected(Refuse("link_bad_signature", "not a link this server signs"));
  }
  auto given = Base64Decode(f.sig);
  // Built in this thread's buffer: every signed-link GET signs again what it is checking.
  thread_local std::string to_sign;
  to_sign.clear();
  AppendLocalLinkStringToSign(to_sign, f.sp, f.st, f.se, container, blob_path, f.skid, f.sv, f.sr);
  auto expected = crypto::HmacSha256Array(key->secret, to_sign);
  if (!expected) return Unexpected(expected.error());
  // Compare even when the sig was not base64 (against an empty string) so both paths do the
  // same work; the lengths differ then and ConstantTimeEqual refuses.
  const std::string_view given_bytes = given ? std::string_view(*given) : std::string_view();
  const std::string_view expected_bytes(reinterpret_cast<const char*>(expected->data()),
                                        expected->size());
  if (!crypto::ConstantTimeEqual(given_bytes, expected_bytes) || !given) {
    return Unexpected(Refuse("link_bad_signature", "signature does not match"));
  }
  // se was signed by us, so it parses; a failure here would mean a key leaked or a bug.
  auto expiry = ParseIsoUtc(f.se);
  if (!expiry) return Unexpected(Refuse("link_bad_signature", "unreadable se"));
  if (now >= *expiry) return Unexpected(Refuse("link_expired", "the link has expired"));
  // The week is enforced here too, not only when signing: a link some other holder of the key
  // (an older build, a tool) signed for a year must not be served, nor cached for a year.
  if (*expiry - now > kMaxLinkLifetimeSeconds + kLinkClockSkewSeconds) {
    return Unexpected(Refuse("link_bad_expiry", "the link is valid for longer than 7 days"));
  }
  return *expiry;
}

}  // namespace noisett::storage
