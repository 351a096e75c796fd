# Catalog suites: the Catalog contract (written against the interface, instantiated per
# implementation: SQLite file and :memory: here; PostgreSQL joins with its own instantiation file),
# the cursor codec, and SQLite-only behaviour (migrations, WAL, query plans). Real SQLite files in
# temporary directories; no server needed.
noisett_add_test_binary(noisett_catalog_test
  catalog/temp_dir.cc
  catalog/catalog_contract.cc
  catalog/generations_contract_test.cc
  catalog/favorites_contract_test.cc
  catalog/concurrency_contract_test.cc
  catalog/sqlite_contract_test.cc
  catalog/sqlite_catalog_test.cc
  catalog/cursor_test.cc)
target_link_libraries(noisett_catalog_test PRIVATE noisett_catalog)
