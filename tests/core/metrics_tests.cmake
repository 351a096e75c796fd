# Metrics (issue 8): the registry and its text format; the counting BlobStore decorator over a
# real LocalBlobStore in a temporary directory; the plain /metrics handler, the request and egress
# recorders and the capacity collector (tests/http/metrics_endpoint_test.cc). The whole path
# through a running `noisett serve` is tests/service/metrics_e2e_test.cc.
noisett_add_test_binary(noisett_metrics_test
  core/metrics_test.cc
  storage/store_fixture.cc
  storage/instrumented_blob_store_test.cc
  http/metrics_endpoint_test.cc)
target_link_libraries(noisett_metrics_test PRIVATE noisett_http noisett_storage noisett_core)
