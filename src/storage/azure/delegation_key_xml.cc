// The Get User Delegation Key request body and response (REFERENCE.md §1.4), with pugixml. Pure.
#include <pugixml.hpp>

#include "core/base64.h"
#include "storage/azure/delegation_key_cache.h"

namespace noisett::storage::azure {
namespace {

Error Unreadable(std::string message) {
  return MakeError(ErrorCode::kUnavailable, "delegation_key_unreadable",
                   "Get User Delegation Key: " + std::move(message));
}

}  // namespace

std::string DelegationKeyRequestBody(int64_t start, int64_t expiry) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyInfo><Start>" + SasTime(start) +
         "</Start><Expiry>" + SasTime(expiry) + "</Expiry></KeyInfo>";
}

Result<UserDelegationKey> ParseDelegationKeyResponse(std::string_view xml) {
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) return Unexpected(Unreadable(std::string("bad XML: ") + parsed.description()));
  const pugi::xml_node root = doc.child("UserDelegationKey");
  if (!root) return Unexpected(Unreadable("no <UserDelegationKey>"));

  UserDelegationKey key;
  const std::pair<const char*, std::string*> fields[] = {
      {"SignedOid", &key.signed_oid},         {"SignedTid", &key.signed_tid},
      {"SignedStart", &key.signed_start},     {"SignedExpiry", &key.signed_expiry},
      {"SignedService", &key.signed_service}, {"SignedVersion", &key.signed_version},
      {"Value", &key.value},
  };
  for (const auto& [name, out] : fields) {
    *out = root.child(name).child_value();
    if (out->empty()) return Unexpected(Unreadable(std::string("no <") + name + ">"));
  }
  auto start = ParseSasTime(key.signed_start);
  auto expiry = ParseSasTime(key.signed_expiry);
  if (!start || !expiry || *expiry <= *start) {
    return Unexpected(Unreadable("unreadable SignedStart/SignedExpiry"));
  }
  auto value = Base64Decode(key.value);
  if (!value || value->empty()) return Unexpected(Unreadable("Value is not base64"));
  key.expiry_unix = *expiry;
  return key;
}

}  // namespace noisett::storage::azure
