# The Azure REST transport: request assembly, Shared Key signing, error mapping, retries.
# Included from src/storage/azure.cmake.
target_sources(noisett_azure PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/azure_client.cc
  ${CMAKE_CURRENT_LIST_DIR}/azure_error.cc
  ${CMAKE_CURRENT_LIST_DIR}/request_parts.cc
  ${CMAKE_CURRENT_LIST_DIR}/retry_delay.cc
  ${CMAKE_CURRENT_LIST_DIR}/shared_key.cc)
