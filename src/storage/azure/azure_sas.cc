// SAS query strings. The string-to-sign layout depends on the signed version (sv) the query
// carries, so the version picks the layout and nothing else does; the query's parameter order and
// escaping are the official SDK's (SASQueryParameters.toString: fixed order, every value through
// encodeURIComponent, empty values left out), so tests can compare ours with its byte for byte.
#include "storage/azure/azure_sas.h"

#include <array>
#include <vector>

#include "core/base64.h"
#include "core/percent_encoding.h"
#include "storage/azure/azure_config.h"
#include "storage/hmac.h"
#include "storage/link_signer.h"

namespace noisett::storage::azure {
namespace {

constexpr char kBlobResource[] = "b";
// The blob permission letters in the order Azure wants them (the SDKs: "the order matters").
constexpr std::string_view kPermissionOrder = "racwdxtmeiy";

// Layout boundaries (REFERENCE.md §1.1, §1.2). Versions compare as strings: all are YYYY-MM-DD.
constexpr std::string_view kOldestVersion = "2020-12-06";   // ses line added
constexpr std::string_view kDelegatedUser = "2025-07-05";   // skdutid, sduoid lines added
constexpr std::string_view kSignedRequest = "2026-04-06";   // srh, srq lines added
constexpr std::string_view kNewestVersion = "2026-10-06";   // newest whose layout we know

enum class UdLayout { k20201206, k20250705, k20260406 };

Error BadArgument(std::string reason, std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(reason), std::move(message));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsVersionShaped(std::string_view v) {
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(v[i])) return false;
  }
  return true;
}

std::string_view VersionOf(const SasFields& f) {
  return f.version.empty() ? std::string_view(kSasVersion) : std::string_view(f.version);
}

Status CheckVersion(std::string_view sv) {
  if (IsVersionShaped(sv) && sv >= kOldestVersion && sv <= kNewestVersion) return Ok();
  return Unexpected(BadArgument("sas_bad_version", "no SAS layout for sv " + std::string(sv)));
}

UdLayout UdLayoutFor(std::string_view sv) {
  if (sv >= kSignedRequest) return UdLayout::k20260406;
  if (sv >= kDelegatedUser) return UdLayout::k20250705;
  return UdLayout::k20201206;
}

// The permission letters in canonical order; unknown or repeated letters are refused rather than
// dropped, so a caller never signs something other than what it asked for.
Result<std::string> CanonicalPermissions(std::string_view given) {
  std::array<bool, kPermissionOrder.size()> seen{};
  for (char c : given) {
    const size_t at = kPermissionOrder.find(c);
    if (at == std::string_view::npos || seen[at]) {
      return Unexpected(BadArgument("sas_bad_permissions",
                                    "blob SAS permissions are letters of " +
                                        std::string(kPermissionOrder) + ", each once"));
    }
    seen[at] = true;
  }
  std::string out;
  for (size_t i = 0; i < seen.size(); ++i) {
    if (seen[i]) out += kPermissionOrder[i];
  }
  if (out.empty()) return Unexpected(BadArgument("sas_bad_permissions", "no permissions"));
  return out;
}

// A line break inside a value would shift every later line of the string-to-sign.
bool HasLineBreak(std::string_view s) {
  return s.find('\n') != std::string_view::npos || s.find('\r') != std::string_view::npos;
}

Status CheckFields(const SasFields& f) {
  for (const std::string* s : {&f.account, &f.container, &f.blob, &f.protocol, &f.cache_control}) {
    if (HasLineBreak(*s)) {
      return Unexpected(BadArgument("sas_bad_field", "a SAS field holds a line break"));
    }
  }
  if (f.expiry <= 0) return Unexpected(BadArgument("sas_bad_field", "a SAS needs an expiry"));
  return Ok();
}

std::string CanonicalResource(const SasFields& f) {
  return "/blob/" + f.account + "/" + f.container + "/" + f.blob;
}

std::string StartText(const SasFields& f) { return f.start > 0 ? SasTime(f.start) : ""; }

// The key's times as signed and sent: whole seconds, as the SDKs write them, whatever fraction
// Azure returned. Empty when unreadable (the query builders refuse such a key first).
std::string KeyTime(const std::string& text) {
  auto t = ParseSasTime(text);
  return t ? SasTime(*t) : "";
}

std::string JoinLines(const std::vector<std::string_view>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out.append(lines[i]);
  }
  return out;
}

// The query in the SDK's order; empty values are left out, as the SDK does.
class QueryBuilder {
 public:
  void Add(std::string_view name, std::string_view value) {
    if (value.empty()) return;
    if (!out_.empty()) out_ += '&';
    out_.append(name).append("=");
    // Spelled as the Azure SDK spells it (encodeURIComponent).
    AppendPercentEncoded(out_, value, PercentKeep::kUriComponent);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

Result<std::string> Sign(std::string_view key_base64, const std::string& string_to_sign,
                         const char* bad_key_reason) {
  auto key = Base64Decode(key_base64);
  if (!key || key->empty()) {
    return Unexpected(BadArgument(bad_key_reason, "the signing key is not base64"));
  }
  auto mac = crypto::HmacSha256(*key, string_to_sign);
  if (!mac) return Unexpected(mac.error());
  return Base64Encode(*mac);
}

}  // namespace

std::string SasTime(int64_t unix_seconds) { return FormatIsoUtc(unix_seconds); }

Result<int64_t> ParseSasTime(std::string_view text) {
  constexpr size_t kWhole = 19;  // "2026-11-24T10:00:00"
  // Azure writes up to seven fraction digits ("....0000000Z"); the SDKs drop them when signing.
  if (text.size() > kWhole + 2 && text[kWhole] == '.' && text.back() == 'Z') {
    const std::string_view fraction = text.substr(kWhole + 1, text.size() - kWhole - 2);
    bool digits = fraction.size() <= 7;
    for (char c : fraction) digits = digits && IsDigit(c);
    if (!digits) {
      return Unexpected(BadArgument("bad_time", "expected a UTC time like 2026-11-23T18:00:00Z"));
    }
    return ParseIsoUtc(std::string(text.substr(0, kWhole)) + "Z");
  }
  return ParseIsoUtc(text);
}

std::string ServiceSasStringToSign(const SasFields& f) {
  auto permissions = CanonicalPermissions(f.permissions);
  const std::string sp = permissions ? *permissions : f.permissions;
  const std::string st = StartText(f), se = SasTime(f.expiry), resource = CanonicalResource(f);
  // sp, st, se, resource, si, sip, spr, sv, sr, snapshot, ses, rscc, rscd, rsce, rscl, rsct.
  return JoinLines({sp, st, se, resource, "", "", f.protocol, VersionOf(f), kBlobResource, "", "",
                    f.cache_control, "", "", "", ""});
}

std::string UserDelegationSasStringToSign(const SasFields& f, const UserDelegationKey& key) {
  auto permissions = CanonicalPermissions(f.permissions);
  const std::string sp = permissions ? *permissions : f.permissions;
  const std::string st = StartText(f), se = SasTime(f.expiry), resource = CanonicalResource(f);
  const std::string skt = KeyTime(key.signed_start), ske = KeyTime(key.signed_expiry);
  const UdLayout layout = UdLayoutFor(VersionOf(f));
  std::vector<std::string_view> lines = {
      sp, st, se, resource, key.signed_oid, key.signed_tid, skt, ske, key.signed_service,
      key.signed_version,
      "",  // saoid
      "",  // suoid
      "",  // scid
  };
  if (layout != UdLayout::k20201206) {
    lines.insert(lines.end(), {"", ""});  // skdutid, sduoid: no user-bound SAS
  }
  lines.insert(lines.end(), {"" /* sip */, f.protocol, VersionOf(f), kBlobResource,
                             "" /* snapshot */, "" /* ses */});
  if (layout == UdLayout::k20260406) {
    lines.insert(lines.end(), {"", ""});  // srh, srq: no signed request headers or parameters
  }
  lines.insert(lines.end(), {f.cache_control, "", "", "", ""});  // rscc, rscd, rsce, rscl, rsct
  return JoinLines(lines);
}

Result<std::string> ServiceSasQuery(const SasFields& fields, std::string_view account_key_base64) {
  if (auto ok = CheckVersion(VersionOf(fields)); !ok) return Unexpected(ok.error());
  if (auto ok = CheckFields(fields); !ok) return Unexpected(ok.error());
  auto sp = CanonicalPermissions(fields.permissions);
  if (!sp) return Unexpected(sp.error());
  auto sig = Sign(account_key_base64, ServiceSasStringToSign(fields), "bad_account_key");
  if (!sig) return Unexpected(sig.error());
  QueryBuilder q;
  q.Add("sv", VersionOf(fields));
  q.Add("spr", fields.protocol);
  q.Add("st", StartText(fields));
  q.Add("se", SasTime(fields.expiry));
  q.Add("sr", kBlobResource);
  q.Add("sp", *sp);
  q.Add("rscc", fields.cache_control);
  q.Add("sig", *sig);
  return q.Take();
}

Result<std::string> UserDelegationSasQuery(const SasFields& fields, const UserDelegationKey& key) {
  if (auto ok = CheckVersion(VersionOf(fields)); !ok) return Unexpected(ok.error());
  if (auto ok = CheckFields(fields); !ok) return Unexpected(ok.error());
  auto sp = CanonicalPermissions(fields.permissions);
  if (!sp) return Unexpected(sp.error());
  const std::string skt = KeyTime(key.signed_start), ske = KeyTime(key.signed_expiry);
  for (const std::string* s : {&key.signed_oid, &key.signed_tid, &key.signed_service,
                               &key.signed_version}) {
    if (s->empty() || HasLineBreak(*s)) {
      return Unexpected(BadArgument("bad_delegation_key", "a delegation key field is missing"));
    }
  }
  if (skt.empty() || ske.empty()) {
    return Unexpected(BadArgument("bad_delegation_key", "the delegation key's times are unreadable"));
  }
  auto sig = Sign(key.value, UserDelegationSasStringToSign(fields, key), "bad_delegation_key");
  if (!sig) return Unexpected(sig.error());
  QueryBuilder q;
  q.Add("sv", VersionOf(fields));
  q.Add("spr", fields.protocol);
  q.Add("st", StartText(fields));
  q.Add("se", SasTime(fields.expiry));
  q.Add("skoid", key.signed_oid);
  q.Add("sktid", key.signed_tid);
  q.Add("skt", skt);
  q.Add("ske", ske);
  q.Add("sks", key.signed_service);
  q.Add("skv", key.signed_version);
  q.Add("sr", kBlobResource);
  q.Add("sp", *sp);
  q.Add("rscc", fields.cache_control);
  q.Add("sig", *sig);
  return q.Take();
}

}  // namespace noisett::storage::azure
