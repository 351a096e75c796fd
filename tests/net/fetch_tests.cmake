# Issue 9: SafeFetch (the SSRF-guarded fetcher) and its parts: address classes, strict URLs,
# the operator's policy, all against real loopback servers (tests/net/scripted_http_server).
noisett_add_test_binary(noisett_safe_fetch_test
  net/scripted_http_server.cc
  net/address_policy_test.cc
  net/fetch_url_test.cc
  net/import_policy_test.cc
  net/safe_fetch_test.cc)
target_link_libraries(noisett_safe_fetch_test PRIVATE noisett_net)
