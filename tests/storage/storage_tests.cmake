# Storage suite: the BlobStore validation rules and LocalBlobStore on real temporary directories
# (ManualClock for time; no network).
noisett_add_test_binary(noisett_storage_test
  storage/store_fixture.cc
  storage/blob_store_validation_test.cc
  storage/local_meta_test.cc
  storage/local_blob_store_test.cc
  storage/local_list_test.cc
  storage/local_lifecycle_test.cc
  storage/local_safety_test.cc
  storage/local_read_cache_test.cc
  storage/local_shared_dir_test.cc)
target_link_libraries(noisett_storage_test PRIVATE noisett_storage)
