# The replicate generator (issue 9): the wire format alone, and the generator against a fake
# Replicate API on loopback (fake_replicate.*), downloading its outputs through net::SafeFetch.
noisett_add_test_binary(noisett_replicate_generator_test
  generate/fake_replicate.cc
  generate/replicate_api_test.cc
  generate/replicate_generator_test.cc)
target_link_libraries(noisett_replicate_generator_test PRIVATE noisett_generate
  noisett_test_images nlohmann_json::nlohmann_json)
