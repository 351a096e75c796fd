# Signed read-only links for the embedded default (HMAC, Azure-SAS-shaped query), their keys, and
# the CDN URL builder. hmac.cc is the only storage file that includes OpenSSL. Included from
# src/storage/CMakeLists.txt.
find_package(OpenSSL 3 REQUIRED)
add_library(noisett_links ${NOISETT_LIBRARY_KIND}
  ${CMAKE_CURRENT_LIST_DIR}/hmac.cc
  ${CMAKE_CURRENT_LIST_DIR}/query_params.cc
  ${CMAKE_CURRENT_LIST_DIR}/cdn.cc
  ${CMAKE_CURRENT_LIST_DIR}/link_keys.cc
  ${CMAKE_CURRENT_LIST_DIR}/link_signer.cc)
target_link_libraries(noisett_links
  PUBLIC noisett_core
  PRIVATE noisett_crypto OpenSSL::Crypto noisett_warnings)
