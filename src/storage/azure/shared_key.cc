// The Shared Key string-to-sign and Authorization header (REFERENCE.md §1.3; Microsoft's
// "Authorize with Shared Key"). Standard headers come first, one per line, then the canonicalized
// x-ms-* headers, then the canonicalized resource with the query.
#include "storage/azure/shared_key.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "core/base64.h"
#include "core/text.h"
#include "storage/azure/request_parts.h"
#include "storage/hmac.h"

namespace noisett::storage::azure {
namespace {

// The first header named `lower_name` (any case in `headers`), "" when absent.
std::string Find(const HeaderList& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (EqualsIgnoreCase(name, lower_name)) return std::string(Trim(value));
  }
  return "";
}

// "x-ms-date:...\nx-ms-version:...\n": x-ms-* names lowercased and sorted, values trimmed.
std::string CanonicalizedHeaders(const HeaderList& headers) {
  std::vector<std::pair<std::string, std::string>> ms;
  for (const auto& [name, value] : headers) {
    std::string lower = AsciiLowercase(Trim(name));
    if (lower.rfind("x-ms-", 0) == 0) ms.emplace_back(std::move(lower), std::string(Trim(value)));
  }
  std::stable_sort(ms.begin(), ms.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [name, value] : ms) out += name + ":" + value + "\n";
  return out;
}

// "/ACCOUNT/PATH\ncomp:list\nprefix:a": query names lowercased and sorted; several values of one
// name sorted and joined with ','.
std::string CanonicalizedResource(std::string_view account, std::string_view canonical_path,
                                  const HeaderList& query) {
  std::string out = "/";
  out.append(account).append(canonical_path);
  std::map<std::string, std::vector<std::string>> params;
  for (const auto& [name, value] : query) params[AsciiLowercase(name)].push_back(value);
  for (auto& [name, values] : params) {
    std::sort(values.begin(), values.end());
    out += "\n" + name + ":";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
  }
  return out;
}

}  // namespace

std::string SharedKeyStringToSign(std::string_view method, std::string_view account,
                                  std::string_view canonical_path, const HeaderList& query,
                                  const HeaderList& headers) {
  std::string length = Find(headers, "content-length");
  if (length == "0") length.clear();  // since version 2015-02-21, a zero length signs as empty
  // Date is empty because x-ms-date is always sent (and wins).
  const std::string date = Find(headers, "x-ms-date").empty() ? Find(headers, "date") : "";
  std::string out(method);
  out += "\n";
  for (const std::string& value :
       {Find(headers, "content-encoding"), Find(headers, "content-language"), length,
        Find(headers, "content-md5"), Find(headers, "content-type"), date,
        Find(headers, "if-modified-since"), Find(headers, "if-match"),
        Find(headers, "if-none-match"), Find(headers, "if-unmodified-since"),
        Find(headers, "range")}) {
    out += value + "\n";
  }
  out += CanonicalizedHeaders(headers);
  out += CanonicalizedResource(account, canonical_path, query);
  return out;
}

Result<std::string> SharedKeyAuthorization(std::string_view account, std::string_view key,
                                           std::string_view string_to_sign) {
  auto mac = crypto::HmacSha256(key, string_to_sign);
  if (!mac) return Unexpected(mac.error());
  std::string header = "SharedKey ";
  header.append(account).append(":").append(Base64Encode(*mac));
  return header;
}

}  // namespace noisett::storage::azure
