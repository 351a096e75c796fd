// What differs when the end-to-end suite runs on Azurite instead of the local store. One binary,
// noisett_service_e2e_test, is registered twice with ctest: on the local store (signed links served
// by noisett) and, with NOISETT_TEST_E2E_STORE=azure, on Azurite through Shared Key over HTTPS
// (links are SAS URLs fetched from Azurite with curl).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "service/raw_http.h"

namespace noisett::service_e2e {

// True when this run of the suite is on Azurite: NOISETT_TEST_E2E_STORE=azure, which ctest sets
// for the Azure registration of the same binary (service_tests.cmake).
bool OnAzure();

// The container this test process uses: "noisett-storage" locally; on Azurite one of its own
// (made by the server at start), so runs never see each other's blobs.
const std::string& E2eContainer();

// Flags that point `serve` and direct command mode at the store (none for the local store).
// Without the key, the server must get bearer tokens from its credential chain.
std::vector<std::string> StoreFlags(bool with_key = true);

// On Azurite: GET/HEAD of a SAS URL with curl (TLS checked against Azurite's test certificate).
RawResponse FetchFromAzurite(const std::string& url,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             const std::string& method);

// On Azurite: the bytes of blob `name` ("" with a test failure when it cannot be read), and the
// size of every blob under "generated/" whose last path segment starts with `name_prefix`.
std::string AzuriteBlob(const std::string& name);
std::map<std::string, uint64_t> AzuriteBlobSizes(const std::string& name_prefix);

// "/devstoreaccount1/CONTAINER/" (Azurite's path-style URL of the container).
std::string AzuriteContainerPath();

}  // namespace noisett::service_e2e
