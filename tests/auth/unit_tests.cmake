# Pure unit tests of the auth module (and the core logger and clocks it relies on): no network,
# no node. Tokens are minted in C++ with the module's own crypto adapter; independent minting with
# jose lives in the end-to-end suite.
noisett_add_test_binary(noisett_auth_unit_test
  auth/unit/test_tokens.cc
  auth/unit/temp_jwks_file.cc
  auth/unit/flat_json_test.cc
  auth/unit/jws_test.cc
  auth/unit/algorithms_test.cc
  auth/unit/jwks_test.cc
  auth/unit/jwks_cache_test.cc
  auth/unit/crypto_test.cc
  auth/unit/token_claims_test.cc
  auth/unit/claims_test.cc
  auth/unit/token_cache_test.cc
  auth/unit/validator_test.cc
  auth/unit/refusal_test.cc
  auth/unit/authenticator_test.cc
  auth/unit/auth_config_test.cc
  auth/unit/key_url_test.cc
  auth/unit/user_test.cc
  auth/unit/log_and_clock_test.cc)
target_link_libraries(noisett_auth_unit_test PRIVATE noisett_auth noisett_net
  nlohmann_json::nlohmann_json)
