# Cost estimate (issue 8): the pure cost model against hand computations, and the admin commands
# cost.estimate and users.set_tier on the real service (LocalBlobStore in a temp dir, SQLite).
noisett_add_test_binary(noisett_cost_test lifecycle/cost_test.cc lifecycle/rendition_advice_test.cc)
target_link_libraries(noisett_cost_test PRIVATE noisett_lifecycle nlohmann_json::nlohmann_json)

noisett_add_test_binary(noisett_tier_commands_test service/tier_commands_test.cc)
target_link_libraries(noisett_tier_commands_test PRIVATE noisett_test_app
  noisett_service noisett_catalog noisett_storage noisett_links noisett_test_images
  nlohmann_json::nlohmann_json)
