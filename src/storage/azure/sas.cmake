# SAS query strings, the user delegation key (cache, fetch, XML) and the Azure link signer.
# Included from src/storage/azure.cmake.
target_sources(noisett_azure PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/azure_sas.cc
  ${CMAKE_CURRENT_LIST_DIR}/delegation_key_cache.cc
  ${CMAKE_CURRENT_LIST_DIR}/delegation_key_xml.cc
  ${CMAKE_CURRENT_LIST_DIR}/delegation_key_fetch.cc
  ${CMAKE_CURRENT_LIST_DIR}/azure_link_signer.cc)
