# End-to-end tests of the auth module: tokens minted by npm `jose` (an independent JOSE
# implementation, run as `node auth/mint.mjs`), JWKS and OpenID discovery served by a loopback
# HTTP server the tests start, the dev issuer on a temporary data dir, and the `noisett token` /
# `noisett whoami` commands as child processes. Needs node and `npm ci` at the repo root; without
# them the tests fail with a message saying so (never skip: the attacks below must be tried).

# Test helpers any suite may use: a loopback HTTP server and a child-process runner.
find_package(Threads REQUIRED)
add_library(noisett_test_loopback STATIC
  support/loopback_http_server.cc
  support/subprocess.cc)
target_include_directories(noisett_test_loopback PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(noisett_test_loopback PUBLIC Threads::Threads PRIVATE noisett_warnings)

# A missing node is reported by the tests themselves, at run time, with what to install.
find_program(NOISETT_NODE_EXECUTABLE node)

# Tokens minted by npm `jose` (node auth/mint.mjs), for every suite that needs them; compiled
# once.
add_library(noisett_test_jose STATIC auth/jose_tokens.cc)
target_include_directories(noisett_test_jose PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(noisett_test_jose
  PUBLIC noisett_test_loopback nlohmann_json::nlohmann_json GTest::gtest
  PRIVATE noisett_warnings)
target_compile_definitions(noisett_test_jose PRIVATE
  NOISETT_NODE="${NOISETT_NODE_EXECUTABLE}"
  NOISETT_MINT_SCRIPT="${CMAKE_CURRENT_SOURCE_DIR}/auth/mint.mjs"
  NOISETT_REPO_ROOT="${PROJECT_SOURCE_DIR}"
  NOISETT_TEST_CACHE_DIR="${CMAKE_CURRENT_BINARY_DIR}")

noisett_add_test_binary(noisett_auth_integration_test
  auth/e2e_fixture.cc
  auth/validator_e2e_test.cc
  auth/attacks_e2e_test.cc
  auth/jwks_rotation_test.cc
  auth/authenticator_test.cc
  auth/dev_issuer_test.cc
  auth/auth_cli_test.cc)
target_link_libraries(noisett_auth_integration_test PRIVATE
  noisett_auth noisett_core noisett_test_jose noisett_test_loopback nlohmann_json::nlohmann_json)
target_compile_definitions(noisett_auth_integration_test PRIVATE
  NOISETT_NODE="${NOISETT_NODE_EXECUTABLE}"
  NOISETT_MINT_SCRIPT="${CMAKE_CURRENT_SOURCE_DIR}/auth/mint.mjs"
  NOISETT_REPO_ROOT="${PROJECT_SOURCE_DIR}"
  NOISETT_TEST_CACHE_DIR="${CMAKE_CURRENT_BINARY_DIR}"
  NOISETT_BIN="$<TARGET_FILE:noisett>")
add_dependencies(noisett_auth_integration_test noisett)
