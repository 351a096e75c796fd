# generate and images.import on the real service (noise generator, local store, SQLite), with a
# loopback server as the remote host of imports.
noisett_add_test_binary(noisett_generate_test
  service/fsck_fixture.cc
  service/generate_test.cc)
target_link_libraries(noisett_generate_test PRIVATE noisett_test_app
  noisett_service noisett_catalog noisett_storage noisett_links noisett_generate
  noisett_test_images noisett_test_loopback nlohmann_json::nlohmann_json)
