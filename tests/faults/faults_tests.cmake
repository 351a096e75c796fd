# Faults (issue 10), each tried for real against a real `noisett serve` child process: the local
# store's volume full (an 8 MiB tmpfs the test mounts; skipped, saying so, without the right to
# mount), PostgreSQL and Azurite stopped mid-run and brought back (the test's own instances:
# scripts/postgres.sh, scripts/azurite.sh), the JWKS endpoint down, and SIGTERM with requests in
# flight. Each asserts the status, the error code, Retry-After, that the process survives and
# recovers without a restart, and that nothing is lost or half-written (fsck, store listing).
find_program(NOISETT_NODE_EXECUTABLE node)  # jose mints the JWKS test's tokens
noisett_add_test_binary(noisett_faults_test
  faults/fault_fixture.cc
  faults/private_azurite.cc
  faults/disk_full_test.cc
  faults/backend_down_test.cc
  faults/jwks_down_test.cc
  faults/sigterm_test.cc)
target_link_libraries(noisett_faults_test PRIVATE
  noisett_test_e2e noisett_test_jose noisett_test_images noisett_test_loopback
  noisett_test_postgres noisett_core nlohmann_json::nlohmann_json)
target_compile_definitions(noisett_faults_test PRIVATE
  NOISETT_BIN="$<TARGET_FILE:noisett>"
  NOISETT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(noisett_faults_test noisett)
