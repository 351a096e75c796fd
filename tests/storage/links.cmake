# Signed links, link keys, query parsing and CDN URLs (src/storage/links.cmake). Hermetic: keys are
# fixed strings or made in a temporary directory; time is a ManualClock.
noisett_add_test_binary(noisett_links_test
  ${CMAKE_CURRENT_LIST_DIR}/links/link_test_support.cc
  ${CMAKE_CURRENT_LIST_DIR}/links/hmac_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/links/query_params_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/links/cdn_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/links/link_keys_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/links/link_signer_test.cc)
target_link_libraries(noisett_links_test PRIVATE noisett_links)
