# End-to-end suite for `noisett serve`: the real binary started as a child process on
# 127.0.0.1:0 over a temporary data dir (SQLite catalog, dev-issuer tokens), driven over loopback
# HTTP with a raw-socket client and through the CLI's command mode. Built twice from one list:
#  - noisett_service_e2e_test: the embedded default (local blob store, links signed and served by
#    noisett). Needs nothing beyond the build: no network, no node.
#  - noisett_service_e2e_azure_test (NOISETT_E2E_AZURE): `serve` on Azurite through Shared Key
#    over HTTPS (scripts/test.sh starts Azurite); links are SAS URLs fetched from Azurite with
#    curl; plus `serve` with no key, its tokens from a loopback IMDS, handing out user delegation
#    SAS (managed_identity_e2e_test.cc). link_refusal_test.cc is about the local link format only; Azurite's refusal of
#    tampered, expired and misdirected SAS is noisett_azure_sas_test's.
set(NOISETT_E2E_SOURCES
  service/e2e_store.cc
  service/raw_http.cc
  service/server_process.cc
  service/e2e_fixture.cc
  service/link_round_trip_test.cc
  service/ownership_test.cc
  service/commands_test.cc
  service/request_safety_test.cc
  service/upload_errors_test.cc
  service/concurrency_test.cc
  service/cli_command_mode_test.cc
  service/generate_e2e_test.cc)

noisett_add_test_binary(noisett_service_e2e_test
  ${NOISETT_E2E_SOURCES} service/link_refusal_test.cc service/web_e2e_test.cc
  service/serve_capacity_test.cc)
target_link_libraries(noisett_service_e2e_test PRIVATE
  noisett_test_images noisett_test_loopback noisett_links nlohmann_json::nlohmann_json)

noisett_add_test_binary(noisett_service_e2e_azure_test
  ${NOISETT_E2E_SOURCES} service/managed_identity_e2e_test.cc)
target_link_libraries(noisett_service_e2e_azure_test PRIVATE
  noisett_test_images noisett_test_loopback noisett_links noisett_azure noisett_test_azurite
  nlohmann_json::nlohmann_json)
target_compile_definitions(noisett_service_e2e_azure_test PRIVATE NOISETT_E2E_AZURE=1)

foreach(binary noisett_service_e2e_test noisett_service_e2e_azure_test)
  target_compile_definitions(${binary} PRIVATE NOISETT_BIN="$<TARGET_FILE:noisett>")
  add_dependencies(${binary} noisett)
endforeach()

# catalog.rebuild and fsck (issue 7): the real service writes the blobs (LocalBlobStore in a temp
# dir, SQLite catalog files), then the catalog is lost, rows and blobs are broken behind the
# service's back, and rebuild / fsck [--repair] must find and fix exactly what they promise.
noisett_add_test_binary(noisett_fsck_test
  service/fsck_fixture.cc
  service/rebuild_test.cc
  service/fsck_test.cc)
target_link_libraries(noisett_fsck_test PRIVATE noisett_test_app
  noisett_service noisett_catalog noisett_storage noisett_links noisett_test_images
  nlohmann_json::nlohmann_json)

# The same round trip on Azurite (AzureBlobStore, Shared Key over HTTPS; skipped with a message
# when scripts/test.sh did not start one), and the real `noisett catalog.rebuild` / `noisett fsck`
# binaries: exit codes, summaries, --json, --repair --grace.
noisett_add_test_binary(noisett_fsck_e2e_test
  service/fsck_fixture.cc
  service/fsck_azurite_test.cc
  service/fsck_cli_test.cc)
target_link_libraries(noisett_fsck_e2e_test PRIVATE noisett_test_app
  noisett_service noisett_catalog noisett_storage noisett_links noisett_azure
  noisett_test_images noisett_test_azurite noisett_test_http_support nlohmann_json::nlohmann_json)
target_compile_definitions(noisett_fsck_e2e_test PRIVATE NOISETT_BIN="$<TARGET_FILE:noisett>")
add_dependencies(noisett_fsck_e2e_test noisett)

# GET /metrics end to end (issue 8), maintained beside this file.
include(${CMAKE_CURRENT_LIST_DIR}/metrics_tests.cmake OPTIONAL)

# The command registry's tree and text doors (no server, no store).
noisett_add_test_binary(noisett_command_registry_test service/command_registry_test.cc)
target_link_libraries(noisett_command_registry_test PRIVATE noisett_service nlohmann_json::nlohmann_json)
