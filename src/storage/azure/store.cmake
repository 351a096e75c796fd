# AzureBlobStore: the BlobStore over the Blob REST API (calls, listings, XML and header text).
# Included from src/storage/azure.cmake.
target_sources(noisett_azure PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/azure_blob_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/azure_blob_store_list.cc
  ${CMAKE_CURRENT_LIST_DIR}/azure_blob_xml.cc)
