# The end-to-end fixture (e2e_fixture.h), compiled once for every suite that drives `noisett
# serve`: the real binary as a child process on 127.0.0.1:0 over a temporary data dir, or the same
# App and routes in this process (in_process_api.h), with a raw-socket client, dev-issuer tokens
# and the store-dependent helpers (e2e_store.h: the local store, or Azurite).
add_library(noisett_test_e2e STATIC
  service/e2e_store.cc
  service/raw_http.cc
  service/server_process.cc
  service/in_process_api.cc
  service/e2e_fixture.cc)
target_include_directories(noisett_test_e2e PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(noisett_test_e2e
  PUBLIC noisett_cli_lib noisett_app noisett_test_images noisett_test_loopback GTest::gtest
         nlohmann_json::nlohmann_json
  PRIVATE noisett_azure noisett_test_azurite noisett_warnings)
target_compile_definitions(noisett_test_e2e PRIVATE NOISETT_BIN="$<TARGET_FILE:noisett>")
add_dependencies(noisett_test_e2e noisett)

# The service suite, one binary registered twice with ctest:
#  - on the embedded default (local blob store, links signed and served by noisett). Needs nothing
#    beyond the build: no network, no node;
#  - as "Azure/..." with NOISETT_TEST_E2E_STORE=azure: `serve` (or the App) on Azurite through
#    Shared Key over HTTPS (scripts/test.sh starts Azurite); links are SAS URLs fetched from
#    Azurite with curl; plus `serve` with no key, its tokens from a loopback IMDS, handing out
#    user delegation SAS (managed_identity_e2e_test.cc).
# Suites about commands run in process (InProcessE2eTest); those about the transport and the
# program (request safety, capacity, concurrency, the CLI, the gallery's start) run a server.
# link_refusal_test.cc is about the local link format only (Azurite's refusal of tampered,
# expired and misdirected SAS is noisett_azure_sas_test's), the gallery and capacity tests are the
# local server's, and managed identity is Azure's: each registration leaves out the others'.
add_executable(noisett_service_e2e_test
  service/link_round_trip_test.cc
  service/ownership_test.cc
  service/commands_test.cc
  service/request_safety_test.cc
  service/upload_errors_test.cc
  service/concurrency_test.cc
  service/cli_command_mode_test.cc
  service/generate_e2e_test.cc
  service/link_refusal_test.cc
  service/web_e2e_test.cc
  service/serve_capacity_test.cc
  service/managed_identity_e2e_test.cc)
target_include_directories(noisett_service_e2e_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(noisett_service_e2e_test PRIVATE
  noisett_test_e2e noisett_test_azurite noisett_links noisett_azure GTest::gtest
  GTest::gtest_main noisett_warnings)
target_compile_definitions(noisett_service_e2e_test PRIVATE NOISETT_BIN="$<TARGET_FILE:noisett>")
add_dependencies(noisett_service_e2e_test noisett)
gtest_discover_tests(noisett_service_e2e_test
  DISCOVERY_MODE PRE_TEST
  DISCOVERY_TIMEOUT 60
  TEST_FILTER "-ManagedIdentity*"
  PROPERTIES ENVIRONMENT "${NOISETT_TEST_ENV}" TIMEOUT 120)
gtest_discover_tests(noisett_service_e2e_test
  DISCOVERY_MODE PRE_TEST
  DISCOVERY_TIMEOUT 60
  TEST_PREFIX "Azure/"
  TEST_FILTER "-LinkRefusal*:Web*:ServeCapacity*:LinkRoundTripTest.UnsatisfiableRange*:RequestSafetyTest.CorrectlySignedTraversalLinks*"
  PROPERTIES ENVIRONMENT "${NOISETT_TEST_ENV}" TIMEOUT 120
             ENVIRONMENT_MODIFICATION "NOISETT_TEST_E2E_STORE=set:azure")

# catalog.rebuild and fsck (issue 7): the real service writes the blobs (LocalBlobStore in a temp
# dir, SQLite catalog files), then the catalog is lost, rows and blobs are broken behind the
# service's back, and rebuild / fsck [--repair] must find and fix exactly what they promise.
noisett_add_test_binary(noisett_fsck_test
  service/fsck_fixture.cc
  service/rebuild_test.cc
  service/fsck_test.cc
  service/renditions_test.cc)
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

# The command registry's tree and text doors, the link issuer's buckets and cache, and the answer
# cache's stamps and bound (no server, no store).
noisett_add_test_binary(noisett_command_registry_test service/command_registry_test.cc
  service/link_issuer_test.cc service/answer_cache_test.cc)
target_link_libraries(noisett_command_registry_test PRIVATE noisett_service nlohmann_json::nlohmann_json)

# history.list and favorites.list answers reused across requests (service/list_answers.h) on the
# real service, two instances on one data dir: every kind of write through one is seen at once by
# the next list on the other; link buckets; the bound; writes racing lists. SQLite, and PostgreSQL
# when the run has one.
noisett_add_test_binary(noisett_list_answers_test service/list_answers_test.cc)
target_link_libraries(noisett_list_answers_test PRIVATE noisett_test_app noisett_service
  noisett_catalog noisett_test_images nlohmann_json::nlohmann_json)

# Generation jobs on the real service: the runner, cancel, quotas, the queue limit, and jobs taken
# over from a dead instance; SQLite, and PostgreSQL when the run has one.
noisett_add_test_binary(noisett_jobs_test service/jobs_test.cc)
target_link_libraries(noisett_jobs_test PRIVATE noisett_test_app noisett_service noisett_catalog
  noisett_test_images nlohmann_json::nlohmann_json)

# Generation jobs through a real `noisett serve` and a loopback Replicate stand-in with real
# latency: event streams, cancel upstream, 429, SIGKILL and SIGTERM mid-job.
noisett_add_test_binary(noisett_jobs_e2e_test
  service/jobs_e2e_test.cc
  generate/fake_replicate.cc)
target_link_libraries(noisett_jobs_e2e_test PRIVATE noisett_test_e2e noisett_test_images
  noisett_test_postgres noisett_test_azurite nlohmann_json::nlohmann_json)
target_compile_definitions(noisett_jobs_e2e_test PRIVATE NOISETT_BIN="$<TARGET_FILE:noisett>")
add_dependencies(noisett_jobs_e2e_test noisett)
