# The lifecycle CLI end to end: `noisett lifecycle.run` / `lifecycle.export` and direct-mode
# commands on a real data dir, moved through time with faketime (Debian package, LD_PRELOAD:
# the noisett process itself sees the later date, nothing in it is stubbed).
noisett_add_test_binary(noisett_lifecycle_cli_test lifecycle/cli_test.cc)
target_link_libraries(noisett_lifecycle_cli_test PRIVATE
  noisett_test_images noisett_test_http_support nlohmann_json::nlohmann_json)
target_compile_definitions(noisett_lifecycle_cli_test PRIVATE
  NOISETT_BIN="$<TARGET_FILE:noisett>" NOISETT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(noisett_lifecycle_cli_test noisett)
