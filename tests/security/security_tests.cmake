# Hostile input end to end (issue 10): every attack of docs/security.md that is not already proven
# end to end elsewhere, tried against a real `noisett serve` child process (the service suite's
# fixture: 127.0.0.1:0, a temporary data dir, dev-issuer tokens), or, for forged tokens, against
# `serve --auth required` with Entra-shaped settings and tokens minted by npm `jose` (needs node
# and `npm ci`, as the auth integration suite does). Each test asserts the refusal, the HTTP
# status and the JSON error code, and that nothing was stored, served or leaked.
noisett_add_test_binary(noisett_security_test
  net/scripted_http_server.cc
  security/token_attacks_test.cc
  security/upload_attacks_test.cc
  security/http_attacks_test.cc
  security/import_ssrf_test.cc
  security/idor_test.cc)
target_link_libraries(noisett_security_test PRIVATE
  noisett_test_e2e noisett_test_jose noisett_test_images noisett_test_loopback noisett_links
  nlohmann_json::nlohmann_json)
target_compile_definitions(noisett_security_test PRIVATE NOISETT_BIN="$<TARGET_FILE:noisett>")
add_dependencies(noisett_security_test noisett)
