# GET /metrics of a real `noisett serve` (issue 8): after a known sequence of uploads and
# signed-link reads, the capacity, egress, operation, request, token and pipeline numbers must
# match the local store's files and what the test did; the API listener's /metrics wants an admin
# token, the NOISETT_METRICS_ADDR listener none. Local store only (the file sizes are the truth).
noisett_add_test_binary(noisett_metrics_e2e_test service/metrics_e2e_test.cc)
target_link_libraries(noisett_metrics_e2e_test PRIVATE
  noisett_test_e2e noisett_test_images noisett_test_loopback noisett_links
  nlohmann_json::nlohmann_json)
target_compile_definitions(noisett_metrics_e2e_test PRIVATE NOISETT_BIN="$<TARGET_FILE:noisett>")
add_dependencies(noisett_metrics_e2e_test noisett)
