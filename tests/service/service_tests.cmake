# End-to-end suite for `noisett serve` on the embedded default: the real binary started as a child
# process on 127.0.0.1:0 over a temporary data dir (local blob store, SQLite catalog, signed links,
# dev-issuer tokens), driven over loopback HTTP with a raw-socket client and through the CLI's
# command mode. Needs nothing beyond the build: no network, no node.
noisett_add_test_binary(noisett_service_e2e_test
  service/raw_http.cc
  service/server_process.cc
  service/e2e_fixture.cc
  service/link_round_trip_test.cc
  service/link_refusal_test.cc
  service/ownership_test.cc
  service/commands_test.cc
  service/request_safety_test.cc
  service/upload_errors_test.cc
  service/concurrency_test.cc
  service/cli_command_mode_test.cc)
target_link_libraries(noisett_service_e2e_test PRIVATE
  noisett_test_images noisett_test_loopback noisett_links nlohmann_json::nlohmann_json)
target_compile_definitions(noisett_service_e2e_test PRIVATE NOISETT_BIN="$<TARGET_FILE:noisett>")
add_dependencies(noisett_service_e2e_test noisett)
