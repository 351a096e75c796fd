// meta.json ⇄ BlobRecord. Parsing never throws: the document is read with exceptions off and every
// member is type-checked before use, so a damaged file is an error value, not a crash.
#include "storage/local_meta.h"

#include <nlohmann/json.hpp>

#include "storage/local_version_id.h"

namespace noisett::storage {
namespace {

using nlohmann::json;

constexpr int kFormat = 1;

Unexpected Corrupt(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInternal, "StoreCorrupt", std::move(message)));
}

json VersionToJson(const VersionRecord& v) {
  return json{{"version_id", v.version_id},
              {"size", v.size},
              {"content_type", v.content_type},
              {"cache_control", v.cache_control},
              {"etag", v.etag},
              {"last_modified", v.last_modified},
              {"tier", std::string(AccessTierName(v.tier))},
              {"tier_changed", v.tier_changed},
              {"tags", v.tags}};
}

bool GetString(const json& object, const char* key, std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

template <typename Int>
bool GetInt(const json& object, const char* key, Int* out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return false;
  *out = it->get<Int>();
  return true;
}

bool GetTags(const json& object, Tags* out) {
  auto it = object.find("tags");
  if (it == object.end() || !it->is_object()) return false;
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) return false;
    (*out)[key] = value.get<std::string>();
  }
  return true;
}

Result<VersionRecord> VersionFromJson(const json& j) {
  VersionRecord v;
  std::string tier;
  if (!j.is_object() || !GetString(j, "version_id", &v.version_id) || !GetInt(j, "size", &v.size) ||
      !GetString(j, "content_type", &v.content_type) ||
      !GetString(j, "cache_control", &v.cache_control) || !GetString(j, "etag", &v.etag) ||
      !GetInt(j, "last_modified", &v.last_modified) || !GetString(j, "tier", &tier) ||
      !GetInt(j, "tier_changed", &v.tier_changed) || !GetTags(j, &v.tags)) {
    return Corrupt("a version entry is missing a member or has the wrong type");
  }
  // The id names the data file, so only the exact id shape (no '/', no "..") is accepted.
  if (!ParseVersionId(v.version_id)) return Corrupt("malformed version id");
  auto parsed_tier = ParseAccessTier(tier);
  if (!parsed_tier) return Corrupt("unknown tier '" + tier + "'");
  v.tier = *parsed_tier;
  return v;
}

}  // namespace

std::string SerializeRecord(const BlobRecord& record) {
  json versions = json::array();
  for (const VersionRecord& v : record.versions) versions.push_back(VersionToJson(v));
  return json{{"format", kFormat},
              {"created", record.created},
              {"deleted", record.deleted},
              {"deleted_at", record.deleted_at},
              {"versions", std::move(versions)}}
      .dump();
}

Result<BlobRecord> ParseRecord(std::string_view text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Corrupt("meta is not a JSON object");
  BlobRecord record;
  int format = 0;
  auto deleted = doc.find("deleted");
  auto versions = doc.find("versions");
  if (!GetInt(doc, "format", &format) || format != kFormat ||
      !GetInt(doc, "created", &record.created) || deleted == doc.end() || !deleted->is_boolean() ||
      !GetInt(doc, "deleted_at", &record.deleted_at) || versions == doc.end() ||
      !versions->is_array() || versions->empty()) {
    return Corrupt("meta is missing a member or has the wrong type");
  }
  record.deleted = deleted->get<bool>();
  for (const json& entry : *versions) {
    auto version = VersionFromJson(entry);
    if (!version) return Unexpected(version.error());
    record.versions.push_back(std::move(*version));
  }
  return record;
}

BlobProperties PropertiesOf(std::string_view name, const BlobRecord& record, size_t index) {
  BlobProperties p = PropertiesWithoutTagsOf(name, record, index);
  p.tags = record.versions[index].tags;
  return p;
}

BlobProperties PropertiesWithoutTagsOf(std::string_view name, const BlobRecord& record,
                                       size_t index) {
  const VersionRecord& v = record.versions[index];
  BlobProperties p;
  p.name = std::string(name);
  p.size = v.size;
  p.content_type = v.content_type;
  p.cache_control = v.cache_control;
  p.etag = v.etag;
  p.last_modified = v.last_modified;
  p.created = record.created;
  p.tier = v.tier;
  p.tier_changed = v.tier_changed;
  p.version_id = v.version_id;
  p.is_current_version = index + 1 == record.versions.size();
  p.deleted = record.deleted;
  p.deleted_at = record.deleted_at;
  return p;
}

}  // namespace noisett::storage
