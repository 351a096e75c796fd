// AzureBlobStore's per-blob operations and the container calls: each BlobStore method is one Blob
// REST call (two for RestoreVersion when the copy is still pending, and for a range read of an
// empty blob), and every failure is turned into BlobStore's reasons in StoreError, so callers see
// the same errors from this store as from LocalBlobStore. Listing, versions and Find Blobs by Tags
// live in azure_blob_store_list.cc; the XML and header text in azure_blob_xml.cc.
#include "storage/azure/azure_blob_store.h"

#include <chrono>
#include <cstdint>
#include <thread>
#include <utility>

#include "storage/azure/azure_blob_store_internal.h"
#include "storage/azure/azure_blob_xml.h"
#include "storage/azure/request_parts.h"

namespace noisett::storage::azure {

Error StoreError(const Error& error) {
  Error out = error;
  switch (error.code) {
    case ErrorCode::kNotFound:
      // ContainerNotFound too: for a blob operation the blob is not there either way.
      out.reason = reason::kBlobNotFound;
      break;
    case ErrorCode::kConflict:
      // If-None-Match: * on an existing blob is 409 BlobAlreadyExists (412 elsewhere).
      if (error.reason == "BlobAlreadyExists" || error.reason == "ConditionNotMet" ||
          error.reason == "TargetConditionNotMet") {
        out.reason = reason::kConditionNotMet;
      }
      break;
    case ErrorCode::kInvalidArgument:
      // Azurite answers a bad Shared Key signature 400 InvalidAuthenticationInfo (Azure: 403).
      if (error.reason != "InvalidAuthenticationInfo") break;
      [[fallthrough]];
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kPermissionDenied:
      // Our credential or role assignment is wrong: the store is unusable, and the end user's
      // own rights have nothing to do with it.
      out.code = ErrorCode::kUnavailable;
      out.reason = "StoreUnavailable";
      out.message = "Azure refused the store's credential (" + error.reason + "): " + error.message;
      break;
    case ErrorCode::kUnavailable:
      out.reason = "StoreUnavailable";
      break;
    default:
      break;
  }
  return out;
}

std::string BlobPath(const AzureClient& client, std::string_view name) {
  return "/" + client.config().container + "/" + std::string(name);
}

namespace {

// Header values go to Azure and back out in our HTTP responses: the same refusal LocalBlobStore
// gives.
Status ValidatePut(std::string_view name, const PutOptions& options) {
  Status ok = ValidateBlobName(name);
  if (ok) ok = ValidatePutOptions(options);
  return ok;
}

// Version ids are Azure timestamps ("2026-11-24T00:25:27.1234567Z"); anything else cannot name a
// version, and must not reach the copy-source URL.
bool PlausibleVersionId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    c == '-' || c == ':' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// The version id as a query value: PlausibleVersionId leaves only ':' to percent-encode.
std::string EncodedVersionId(std::string_view id) {
  std::string out;
  for (char c : id) out += c == ':' ? std::string("%3A") : std::string(1, c);
  return out;
}

// One call on the blob whose success carries nothing we need.
Status SendBlobCommand(AzureClient& client, std::string_view name, std::string method,
                       HeaderList query, HeaderList headers, std::string body) {
  if (auto valid = ValidateBlobName(name); !valid) return valid;
  AzureRequest request;
  request.method = std::move(method);
  request.path = BlobPath(client, name);
  request.query = std::move(query);
  request.headers = std::move(headers);
  request.body = std::move(body);
  auto response = client.Send(request);
  if (!response) return Unexpected(StoreError(response.error()));
  return Ok();
}

// Copies inside one account are normally done when Copy Blob answers; poll briefly if not.
Status AwaitCopy(AzureClient& client, std::string_view name, std::string status) {
  for (int attempt = 0; status == "pending" && attempt < 50; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    AzureRequest request;
    request.method = "HEAD";
    request.path = BlobPath(client, name);
    auto response = client.Send(request);
    if (!response) return Unexpected(StoreError(response.error()));
    status = response->Header("x-ms-copy-status");
  }
  if (status.empty() || status == "success") return Ok();
  return Unexpected(
      MakeError(ErrorCode::kUnavailable, "StoreUnavailable", "copy of a version ended " + status));
}

// "bytes=OFFSET-LAST", or open-ended when there is no length or the end would not fit in 64 bits.
// REQUIRES: no length, or a length > 0.
std::string RangeHeader(const ByteRange& range) {
  std::string value = "bytes=" + std::to_string(range.offset) + "-";
  if (range.length && *range.length - 1 <= UINT64_MAX - range.offset) {
    value += std::to_string(range.offset + (*range.length - 1));
  }
  return value;
}

}  // namespace

AzureBlobStore::AzureBlobStore(AzureClient& client) : client_(client) {}

Status AzureBlobStore::EnsureContainer() {
  AzureRequest request;
  request.method = "PUT";
  request.path = "/" + client_.config().container;
  request.query = {{"restype", "container"}};
  auto response = client_.Send(request);
  if (response || response.error().reason == "ContainerAlreadyExists") return Ok();
  return Unexpected(StoreError(response.error()));
}

Result<BlobProperties> AzureBlobStore::Put(std::string_view name, std::string_view bytes,
                                           const PutOptions& options) {
  if (auto valid = ValidatePut(name, options); !valid) return Unexpected(valid.error());
  AzureRequest request;
  request.method = "PUT";
  request.path = BlobPath(client_, name);
  const std::string content_type =
      options.content_type.empty() ? PutOptions{}.content_type : options.content_type;
  // x-ms-blob-* set the stored properties whatever the transport puts in Content-Type.
  request.headers = {{"x-ms-blob-type", "BlockBlob"},
                     {"x-ms-blob-content-type", content_type},
                     {"x-ms-access-tier", std::string(AccessTierName(options.tier))}};
  if (!options.cache_control.empty()) {
    request.headers.emplace_back("x-ms-blob-cache-control", options.cache_control);
  }
  if (!options.tags.empty()) {
    request.headers.emplace_back("x-ms-tags",
                                 EncodeQuery(HeaderList(options.tags.begin(), options.tags.end())));
  }
  if (options.if_none_match_any) request.headers.emplace_back("If-None-Match", "*");
  request.body = std::string(bytes);
  // A create-only write repeated after a lost answer would fail on its own first success.
  request.idempotent = !options.if_none_match_any;
  auto response = client_.Send(request);
  if (!response) return Unexpected(StoreError(response.error()));
  BlobProperties props = PropertiesFromHeaders(name, *response);
  props.size = bytes.size();
  props.content_type = content_type;
  props.cache_control = options.cache_control;
  props.tier = options.tier;
  props.tags = options.tags;
  return props;
}

Result<BlobData> AzureBlobStore::Get(std::string_view name, std::optional<ByteRange> range,
                                     ReadAs) {
  if (auto valid = ValidateBlobName(name); !valid) return Unexpected(valid.error());
  if (range && range->length && *range->length == 0) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "InvalidRange", "empty range"));
  }
  AzureRequest request;
  request.path = BlobPath(client_, name);
  if (range) request.headers.emplace_back("x-ms-range", RangeHeader(*range));
  auto response = client_.Send(request);
  if (!response) {
    // Azure has no satisfiable range of an empty blob; BlobStore reads nothing from offset 0.
    if (range && range->offset == 0 && response.error().reason == "InvalidRange") {
      auto whole = Get(name);
      if (!whole || whole->properties.size == 0) return whole;
    }
    return Unexpected(StoreError(response.error()));
  }
  BlobData data;
  data.properties = PropertiesFromHeaders(name, *response);
  // Azure answers a range starting at the end with 416; Azurite with an empty 206. Same answer.
  if (range && range->offset >= data.properties.size && data.properties.size > 0) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "InvalidRange",
                                "offset " + std::to_string(range->offset) +
                                    " is past the end (size " +
                                    std::to_string(data.properties.size) + ")"));
  }
  data.bytes = std::move(response->body);
  data.range_offset = range ? range->offset : 0;
  return data;
}

Result<BlobProperties> AzureBlobStore::GetProperties(std::string_view name) {
  if (auto valid = ValidateBlobName(name); !valid) return Unexpected(valid.error());
  AzureRequest request;
  request.method = "HEAD";
  request.path = BlobPath(client_, name);
  auto response = client_.Send(request);
  if (!response) return Unexpected(StoreError(response.error()));
  return PropertiesFromHeaders(name, *response);
}

Status AzureBlobStore::Delete(std::string_view name) {
  if (auto valid = ValidateBlobName(name); !valid) return valid;
  AzureRequest request;
  request.method = "DELETE";
  request.path = BlobPath(client_, name);
  // A repeat after a lost answer would say BlobNotFound for a delete that worked.
  request.idempotent = false;
  auto response = client_.Send(request);
  if (!response) return Unexpected(StoreError(response.error()));
  return Ok();
}

Status AzureBlobStore::Undelete(std::string_view name) {
  return SendBlobCommand(client_, name, "PUT", {{"comp", "undelete"}}, {}, "");
}

Status AzureBlobStore::SetTier(std::string_view name, AccessTier tier,
                               RehydratePriority priority) {
  // The priority header only means something for a rehydration; Azure ignores it otherwise.
  return SendBlobCommand(
      client_, name, "PUT", {{"comp", "tier"}},
      {{"x-ms-access-tier", std::string(AccessTierName(tier))},
       {"x-ms-rehydrate-priority", priority == RehydratePriority::kHigh ? "High" : "Standard"}},
      "");
}

Status AzureBlobStore::SetTags(std::string_view name, const Tags& tags) {
  if (auto valid = ValidateTags(tags); !valid) return valid;
  return SendBlobCommand(client_, name, "PUT", {{"comp", "tags"}},
                         {{"Content-Type", "application/xml; charset=utf-8"}}, TagsXml(tags));
}

Result<Tags> AzureBlobStore::GetTags(std::string_view name) {
  if (auto valid = ValidateBlobName(name); !valid) return Unexpected(valid.error());
  AzureRequest request;
  request.path = BlobPath(client_, name);
  request.query = {{"comp", "tags"}};
  auto response = client_.Send(request);
  if (!response) return Unexpected(StoreError(response.error()));
  return ParseTagsXml(response->body);
}

Status AzureBlobStore::RestoreVersion(std::string_view name, std::string_view version_id) {
  if (auto valid = ValidateBlobName(name); !valid) return valid;
  if (!PlausibleVersionId(version_id)) {
    return Unexpected(
        MakeError(ErrorCode::kNotFound, std::string(reason::kBlobNotFound), "no such version"));
  }
  // Copy Blob from the version onto the base blob: Azure's way to make it current again.
  const std::string source = client_.BlobUrl(client_.config().container, name) +
                             "?versionid=" + EncodedVersionId(version_id);
  AzureRequest request;
  request.method = "PUT";
  request.path = BlobPath(client_, name);
  request.headers = {{"x-ms-copy-source", source}, {"x-ms-access-tier", "Hot"}};
  auto response = client_.Send(request);
  if (!response) return Unexpected(StoreError(response.error()));
  return AwaitCopy(client_, name, response->Header("x-ms-copy-status"));
}

Status AzureBlobStore::DeleteVersion(std::string_view name, std::string_view version_id) {
  if (auto valid = ValidateBlobName(name); !valid) return valid;
  if (!PlausibleVersionId(version_id)) {
    return Unexpected(
        MakeError(ErrorCode::kNotFound, std::string(reason::kBlobNotFound), "no such version"));
  }
  AzureRequest request;
  request.method = "DELETE";
  request.path = BlobPath(client_, name);
  request.query = {{"versionid", std::string(version_id)}};
  request.idempotent = false;  // as Delete: a repeat would answer BlobNotFound
  auto response = client_.Send(request);
  if (!response) return Unexpected(StoreError(response.error()));
  return Ok();
}

Status AzureBlobStore::Discard(std::string_view name, std::string_view version_id) {
  // With versioning (REFERENCE.md 1.7) Delete turns the current version into a previous one,
  // which the lifecycle policy would only remove 90 days later (docs/azure.md): drop it too.
  Status deleted = Delete(name);
  if (!deleted && deleted.error().code != ErrorCode::kNotFound) return deleted;
  if (version_id.empty()) return deleted;
  Status dropped = DeleteVersion(name, version_id);
  // BlobNotFound for the version: versioning is off, or it is gone already; Delete's answer says.
  if (!dropped && dropped.error().code == ErrorCode::kNotFound) return deleted;
  return dropped;
}

Status AzureBlobStore::CheckReady() {
  AzureRequest request;
  request.method = "HEAD";
  request.path = "/" + client_.config().container;
  request.query = {{"restype", "container"}};
  auto response = client_.Send(request);
  if (response) return Ok();
  Error error = StoreError(response.error());
  error.code = ErrorCode::kUnavailable;
  error.reason = "StoreUnavailable";
  error.message = "container " + client_.config().container + ": " + response.error().ToString();
  return Unexpected(std::move(error));
}

std::string AzureBlobStore::Describe() const {
  const AzureConfig& config = client_.config();
  return "azure://" + config.account + "/" + config.container + " (" + config.endpoint + ")";
}

}  // namespace noisett::storage::azure
