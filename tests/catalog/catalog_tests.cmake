# Catalog suites: the Catalog contract (written against the interface, instantiated per
# implementation: SQLite file and :memory: here, PostgreSQL in noisett_catalog_pg_test), the cursor
# codec, and SQLite-only behaviour (migrations, WAL, query plans). Real SQLite files in temporary
# directories; no server needed.
set(NOISETT_CATALOG_CONTRACT_SOURCES
  catalog/temp_dir.cc
  catalog/catalog_contract.cc
  catalog/generations_contract_test.cc
  catalog/favorites_contract_test.cc
  catalog/tiers_contract_test.cc
  catalog/renditions_contract_test.cc
  catalog/concurrency_contract_test.cc
  catalog/jobs_contract_test.cc
  catalog/jobs_concurrency_contract_test.cc
  catalog/user_version_contract_test.cc)
noisett_add_test_binary(noisett_catalog_test
  ${NOISETT_CATALOG_CONTRACT_SOURCES}
  catalog/sqlite_contract_test.cc
  catalog/sqlite_catalog_test.cc
  catalog/cursor_test.cc
  catalog/catalog_validation_test.cc)
target_link_libraries(noisett_catalog_test PRIVATE noisett_catalog)

# noisett_test_postgres: the test server (NOISETT_TEST_PG_URL, exported by scripts/test.sh through
# scripts/postgres.sh), scratch schemas and databases on it, private servers for restart tests.
add_library(noisett_test_postgres STATIC support/postgres.cc)
target_include_directories(noisett_test_postgres PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(noisett_test_postgres PRIVATE NOISETT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(noisett_test_postgres
  PUBLIC PkgConfig::PQXX noisett_test_http_support  # subprocess.h, for scripts/postgres.sh
  PRIVATE noisett_core noisett_warnings)

# PostgresCatalog: the same contract on the test server (a fresh schema per test), and what only
# PostgreSQL has: concurrent migrations, schema_too_new, the pool bound, statement timeouts,
# reconnecting after terminated backends and a real restart (a private server), refused
# credentials and URLs. Skipped, loudly, without NOISETT_TEST_PG_URL.
noisett_add_test_binary(noisett_catalog_pg_test
  ${NOISETT_CATALOG_CONTRACT_SOURCES}
  catalog/postgres_contract_test.cc
  catalog/postgres_open_test.cc
  catalog/postgres_pool_test.cc
  catalog/postgres_reconnect_test.cc)
target_link_libraries(noisett_catalog_pg_test PRIVATE noisett_catalog noisett_test_postgres)
