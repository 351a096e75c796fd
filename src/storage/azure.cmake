# Azure Blob Storage: the REST client (Shared Key or bearer), credentials, SAS links and the
# AzureBlobStore. Each part lists its sources in its own fragment beside this file.
# Included from src/storage/CMakeLists.txt.
find_package(pugixml REQUIRED)
add_library(noisett_azure ${NOISETT_LIBRARY_KIND} ${CMAKE_CURRENT_LIST_DIR}/azure/azure_config.cc)
target_link_libraries(noisett_azure
  PUBLIC noisett_storage noisett_links noisett_core
  PRIVATE noisett_net pugixml::pugixml noisett_warnings)
include(${CMAKE_CURRENT_LIST_DIR}/azure/client.cmake OPTIONAL)      # azure_client, errors, retry
include(${CMAKE_CURRENT_LIST_DIR}/azure/credential.cmake OPTIONAL)  # token credentials
include(${CMAKE_CURRENT_LIST_DIR}/azure/sas.cmake OPTIONAL)         # SAS, delegation keys, links
include(${CMAKE_CURRENT_LIST_DIR}/azure/store.cmake OPTIONAL)       # AzureBlobStore
