// Reading and writing the Blob REST documents AzureBlobStore deals in (see azure_blob_xml.h).
// Element names follow the List Blobs, Find Blobs by Tags and Get/Set Blob Tags REST references.
#include "storage/azure/azure_blob_xml.h"

#include <charconv>
#include <pugixml.hpp>

#include "core/http_date.h"

namespace noisett::storage::azure {
namespace {

Unexpected Malformed(std::string_view what) {
  return Unexpected(MakeError(ErrorCode::kUnavailable, "StoreUnavailable",
                              "Azure sent a malformed " + std::string(what) + " document"));
}

bool ParseUint(std::string_view text, uint64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

int64_t DateOr(std::string_view text, int64_t fallback) {
  return ParseHttpDate(text).value_or(fallback);
}

AccessTier TierOr(std::string_view text, AccessTier fallback) {
  return ParseAccessTier(text).value_or(fallback);
}

void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
}

Tags TagsOf(const pugi::xml_node& tags_element) {
  Tags tags;
  for (pugi::xml_node tag : tags_element.child("TagSet").children("Tag")) {
    tags[tag.child_value("Key")] = tag.child_value("Value");
  }
  return tags;
}

BlobProperties ItemOf(const pugi::xml_node& blob) {
  BlobProperties item;
  item.name = blob.child_value("Name");
  item.version_id = blob.child_value("VersionId");
  item.is_current_version =
      item.version_id.empty() || std::string_view(blob.child_value("IsCurrentVersion")) == "true";
  item.deleted = std::string_view(blob.child_value("Deleted")) == "true";
  const pugi::xml_node props = blob.child("Properties");
  (void)ParseUint(props.child_value("Content-Length"), item.size);
  item.content_type = props.child_value("Content-Type");
  item.cache_control = props.child_value("Cache-Control");
  item.etag = QuotedEtag(props.child_value("Etag"));
  item.last_modified = DateOr(props.child_value("Last-Modified"), 0);
  item.created = DateOr(props.child_value("Creation-Time"), item.last_modified);
  item.tier = TierOr(props.child_value("AccessTier"), AccessTier::kHot);
  item.tier_changed = DateOr(props.child_value("AccessTierChangeTime"), item.created);
  item.archive_status = props.child_value("ArchiveStatus");
  item.deleted_at = DateOr(props.child_value("DeletedTime"), 0);
  item.tags = TagsOf(blob.child("Tags"));
  return item;
}

}  // namespace

std::string QuotedEtag(std::string_view etag) {
  if (etag.empty() || etag.front() == '"') return std::string(etag);
  std::string quoted;
  quoted.reserve(etag.size() + 2);
  quoted.push_back('"');
  quoted.append(etag);
  quoted.push_back('"');
  return quoted;
}

Result<BlobListXml> ParseBlobList(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Malformed("List Blobs");
  const pugi::xml_node root = doc.child("EnumerationResults");
  if (!root) return Malformed("List Blobs");
  BlobListXml page;
  for (pugi::xml_node blob : root.child("Blobs").children("Blob")) {
    page.items.push_back(ItemOf(blob));
  }
  page.next_marker = root.child_value("NextMarker");
  return page;
}

Result<FoundBlobsXml> ParseFoundBlobs(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Malformed("Find Blobs by Tags");
  const pugi::xml_node root = doc.child("EnumerationResults");
  if (!root) return Malformed("Find Blobs by Tags");
  FoundBlobsXml page;
  for (pugi::xml_node blob : root.child("Blobs").children("Blob")) {
    page.names.emplace_back(blob.child_value("Name"));
  }
  page.next_marker = root.child_value("NextMarker");
  return page;
}

std::string TagsXml(const Tags& tags) {
  std::string out = R"(<?xml version="1.0" encoding="utf-8"?><Tags><TagSet>)";
  for (const auto& [key, value] : tags) {
    out += "<Tag><Key>";
    AppendEscaped(out, key);
    out += "</Key><Value>";
    AppendEscaped(out, value);
    out += "</Value></Tag>";
  }
  return out + "</TagSet></Tags>";
}

Result<Tags> ParseTagsXml(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Malformed("Tags");
  const pugi::xml_node root = doc.child("Tags");
  if (!root) return Malformed("Tags");
  return TagsOf(root);
}

BlobProperties PropertiesFromHeaders(std::string_view name, const AzureResponse& response) {
  BlobProperties props;
  props.name = std::string(name);
  // "bytes 1-2/5": the blob's size is the total after '/'.
  const std::string range = response.Header("content-range");
  const size_t slash = range.rfind('/');
  if (slash == std::string::npos ||
      !ParseUint(std::string_view(range).substr(slash + 1), props.size)) {
    (void)ParseUint(response.Header("content-length"), props.size);
  }
  props.content_type = response.Header("content-type");
  props.cache_control = response.Header("cache-control");
  props.etag = QuotedEtag(response.Header("etag"));
  props.last_modified = DateOr(response.Header("last-modified"), 0);
  props.created = DateOr(response.Header("x-ms-creation-time"), props.last_modified);
  props.tier = TierOr(response.Header("x-ms-access-tier"), AccessTier::kHot);
  props.tier_changed = DateOr(response.Header("x-ms-access-tier-change-time"), props.created);
  props.archive_status = response.Header("x-ms-archive-status");
  props.version_id = response.Header("x-ms-version-id");
  return props;
}

}  // namespace noisett::storage::azure
