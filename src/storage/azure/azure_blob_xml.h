// The XML and header text of the Blob REST calls AzureBlobStore makes, turned into BlobStore values
// and back: List Blobs and Find Blobs by Tags results, the Tags document of Set/Get Blob Tags,
// blob properties from response headers (their dates read with core/http_date.h). Pure (pugixml,
// no I/O, no logging); which request to send and what an error means is azure_blob_store.cc's
// business.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "storage/azure/azure_client.h"
#include "storage/blob_store.h"

namespace noisett::storage::azure {

// Azure's ETag spelling varies (quoted in headers, bare in list XML); BlobProperties wants it
// quoted: "0x8DC..." → "\"0x8DC...\"". "" stays "".
std::string QuotedEtag(std::string_view etag);

// One List Blobs page (restype=container&comp=list). Items keep Azure's order. A blob with a
// VersionId is current only when IsCurrentVersion says so; without versioning every item is
// current. Tags come from <Tags> (include=tags); "Cold" reads as kCool (our tiers stop there).
// Errors: kUnavailable "StoreUnavailable" when the XML is not an EnumerationResults document.
struct BlobListXml {
  std::vector<BlobProperties> items;
  std::string next_marker;  // "" on the last page
};
Result<BlobListXml> ParseBlobList(std::string_view xml);

// Find Blobs by Tags (comp=blobs): the names on this page and the marker of the next.
struct FoundBlobsXml {
  std::vector<std::string> names;
  std::string next_marker;
};
Result<FoundBlobsXml> ParseFoundBlobs(std::string_view xml);

// <?xml ...?><Tags><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>...</TagSet></Tags>, escaped.
std::string TagsXml(const Tags& tags);
// The inverse (Get Blob Tags). Errors: kUnavailable "StoreUnavailable" for malformed XML.
Result<Tags> ParseTagsXml(std::string_view xml);

// The properties a Get Blob / Get Blob Properties / Put Blob response carries in its headers:
// size (Content-Range's total, else Content-Length), Content-Type, Cache-Control, ETag,
// Last-Modified, x-ms-creation-time, x-ms-access-tier (+ change time; HEAD only), x-ms-version-id.
// Tags are not there (only x-ms-tag-count): they stay empty.
BlobProperties PropertiesFromHeaders(std::string_view name, const AzureResponse& response);

}  // namespace noisett::storage::azure
