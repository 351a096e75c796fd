# HTTP suite: path/query decoding, routing and path-trick refusals, multipart, ranges, the blob
# route against a real LocalBlobStore and link signer, the API routes against the real service
# (optional-auth mode), and the Beast server over loopback (streamed responses included).
noisett_add_test_binary(noisett_http_test
  http/http_types_test.cc
  http/router_test.cc
  http/multipart_test.cc
  http/access_log_test.cc
  http/response_head_test.cc
  http/server_test.cc
  http/server_limits_test.cc
  http/server_framing_test.cc
  http/server_stream_test.cc
  http/server_file_test.cc
  http/body_gate_test.cc
  http/test_client.cc
  http/blob_handler_test.cc
  http/api_args_test.cc
  http/api_test.cc
  http/static_files_test.cc
  http/cors_test.cc)
target_link_libraries(noisett_http_test PRIVATE noisett_http noisett_catalog noisett_test_images)
