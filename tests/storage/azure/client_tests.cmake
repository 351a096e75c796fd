# The Azure REST transport (issue 6): configuration parsing, Shared Key signing checked against
# openssl and an independent canonicalization, and AzureClient's exact requests, retries,
# timeouts, connection reuse and error mapping against a recording loopback server.
noisett_add_test_binary(noisett_azure_client_test
  ${CMAKE_CURRENT_LIST_DIR}/azure_config_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/shared_key_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/azure_client_test.cc)
target_link_libraries(noisett_azure_client_test PRIVATE noisett_azure noisett_test_http_support)
