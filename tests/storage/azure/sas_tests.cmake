# SAS query strings, the delegation key cache and the Azure link signer (issue 6, "Links").
# The SAS oracle is node running the official @azure/storage-blob SDK (sas_oracle.mjs; needs
# `npm ci` at the repo root); delegation-key requests are recorded by a loopback server playing
# Azure; the end-to-end checks fetch blobs from Azurite with curl.
find_program(NOISETT_NODE_EXECUTABLE node)
find_program(NOISETT_CURL_EXECUTABLE curl)

noisett_add_test_binary(noisett_azure_sas_test
  ${CMAKE_CURRENT_LIST_DIR}/sas_oracle.cc
  ${CMAKE_CURRENT_LIST_DIR}/azure_sas_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/delegation_key_cache_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/azure_link_signer_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/azure_sas_azurite_test.cc)
target_link_libraries(noisett_azure_sas_test PRIVATE
  noisett_azure noisett_test_http_support noisett_test_azurite nlohmann_json::nlohmann_json)
target_compile_definitions(noisett_azure_sas_test PRIVATE
  NOISETT_NODE="${NOISETT_NODE_EXECUTABLE}"
  NOISETT_CURL="${NOISETT_CURL_EXECUTABLE}"
  NOISETT_SAS_ORACLE="${CMAKE_CURRENT_LIST_DIR}/sas_oracle.mjs"
  NOISETT_REPO_ROOT="${PROJECT_SOURCE_DIR}")
