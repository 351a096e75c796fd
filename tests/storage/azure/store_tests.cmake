# The AzureBlobStore suite (issue 6), and the Azurite helper every Azure suite shares.
#
# noisett_test_azurite: finds the Azurite scripts/test.sh started (NOISETT_TEST_AZURITE_*), or
# starts one through scripts/azurite.sh for a binary run by hand; container names; unsigned
# v1-shaped bearer tokens that Azurite's --oauth basic accepts.
add_library(noisett_test_azurite STATIC ${CMAKE_CURRENT_LIST_DIR}/../../support/azurite.cc)
target_include_directories(noisett_test_azurite PUBLIC ${CMAKE_CURRENT_LIST_DIR}/../..)
target_compile_definitions(noisett_test_azurite PRIVATE NOISETT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(noisett_test_azurite
  PUBLIC noisett_test_http_support
  PRIVATE GTest::gtest noisett_storage noisett_warnings)

# The BlobStore contract on LocalBlobStore and on AzureBlobStore over Azurite (Shared Key, and a
# bearer token over HTTPS), Azure-only calls and refused credentials on Azurite, the exact requests
# of what Azurite does not emulate (versions, soft delete, Undelete, RestoreVersion) against a
# recording loopback server, and the managed-identity path end to end (IMDS played on loopback).
noisett_add_test_binary(noisett_azure_store_test
  ${CMAKE_CURRENT_LIST_DIR}/store_contract_fixture.cc
  ${CMAKE_CURRENT_LIST_DIR}/blob_store_contract_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/azurite_blob_store_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/azure_blob_store_requests_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/managed_identity_azurite_test.cc)
target_link_libraries(noisett_azure_store_test PRIVATE
  noisett_azure noisett_storage noisett_test_azurite noisett_test_http_support)
