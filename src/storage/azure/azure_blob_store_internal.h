// What azure_blob_store.cc and azure_blob_store_list.cc share: the request path of a blob and the
// one place where an AzureClient error becomes a BlobStore error. Internal to AzureBlobStore.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "storage/azure/azure_client.h"

namespace noisett::storage::azure {

// BlobStore's reasons for the client's errors: any 404 is BlobNotFound; 409 BlobAlreadyExists and
// 412 are ConditionNotMet; BlobArchived and InvalidRange pass through; 401/403 (our credential or
// role is wrong) and 5xx/network failures are kUnavailable StoreUnavailable. The message keeps
// Azure's text and the request id.
Error StoreError(const Error& error);

// "/CONTAINER/NAME", unencoded (the client encodes it).
std::string BlobPath(const AzureClient& client, std::string_view name);

}  // namespace noisett::storage::azure
