# The lifecycle sweeper (issue 8): the shipped policy applied to a real LocalBlobStore in a
# temporary directory at ages 29..366 days (ManualClock), dry run and real, versions, purge,
# exact summaries and errors collected per blob.
noisett_add_test_binary(noisett_lifecycle_sweeper_test
  lifecycle/sweeper_test.cc)
target_link_libraries(noisett_lifecycle_sweeper_test PRIVATE noisett_lifecycle noisett_storage)

# lifecycle.run, lifecycle.export, images.rehydrate and the catalog kept in step, through the real
# service in-process (LocalBlobStore, SQLite catalog, local link signer, ManualClock): tiers and
# deletions show in history and favorites, restore inside the window only, archived reads 409
# through the blob route until rehydrated.
noisett_add_test_binary(noisett_lifecycle_commands_test
  service/lifecycle_commands_test.cc)
target_link_libraries(noisett_lifecycle_commands_test PRIVATE noisett_test_app
  noisett_service noisett_catalog noisett_storage noisett_links noisett_http noisett_test_images
  nlohmann_json::nlohmann_json)
