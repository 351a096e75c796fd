# Token credentials (credential.h) against loopback token endpoints that record every request:
# IMDS, the App Service / Container Apps identity endpoint, Entra ID's v2.0 token endpoint; the
# token cache with a ManualClock; the default chain. No network beyond 127.0.0.1.
noisett_add_test_binary(noisett_azure_credential_test
  storage/azure/credential_token_response_test.cc
  storage/azure/managed_identity_credential_test.cc
  storage/azure/workload_identity_credential_test.cc
  storage/azure/client_secret_credential_test.cc
  storage/azure/token_cache_test.cc
  storage/azure/credential_chain_test.cc)
target_link_libraries(noisett_azure_credential_test PRIVATE
  noisett_azure noisett_test_http_support noisett_net)
