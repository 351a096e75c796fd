# Token credentials for Azure Storage (credential.h): workload identity, managed identity (App
# Service / Container Apps endpoint, IMDS), client secret, the default chain and the token cache.
# Included from src/storage/azure.cmake.
target_sources(noisett_azure PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/credential.cc
  ${CMAKE_CURRENT_LIST_DIR}/token_cache.cc
  ${CMAKE_CURRENT_LIST_DIR}/token_request.cc
  ${CMAKE_CURRENT_LIST_DIR}/token_response.cc
  ${CMAKE_CURRENT_LIST_DIR}/managed_identity_credential.cc
  ${CMAKE_CURRENT_LIST_DIR}/workload_identity_credential.cc
  ${CMAKE_CURRENT_LIST_DIR}/client_secret_credential.cc)
target_link_libraries(noisett_azure PRIVATE nlohmann_json::nlohmann_json)
