// Runs the Catalog contract suite against PostgresCatalog on the test server
// (NOISETT_TEST_PG_URL), each test in a fresh schema of its own. Without the variable every test
// is skipped, loudly (support/postgres.h).
#include <gtest/gtest.h>

#include <memory>

#include "catalog/catalog_contract.h"
#include "catalog/postgres_catalog.h"
#include "support/postgres.h"

namespace noisett::catalog::testing {
namespace {

class PostgresEnv final : public CatalogEnv {
 public:
  PostgresEnv(std::unique_ptr<noisett::testing::ScratchSchema> schema,
              std::unique_ptr<PostgresCatalog> catalog)
      : schema_(std::move(schema)), catalog_(std::move(catalog)) {}
  Catalog& catalog() override { return *catalog_; }
  // Closed before the schema is dropped: the test that opens it destroys it first.
  std::unique_ptr<Catalog> OpenAnother() override {
    PostgresOptions options;
    options.url = schema_->url();
    auto opened = PostgresCatalog::Open(options);
    if (!opened) {
      ADD_FAILURE() << "PostgresCatalog::Open again: " << Describe(opened.error());
      return nullptr;
    }
    return std::move(*opened);
  }

 private:
  // Declared first, destroyed last: the catalog's connections close before the schema is dropped.
  std::unique_ptr<noisett::testing::ScratchSchema> schema_;
  std::unique_ptr<PostgresCatalog> catalog_;
};

std::unique_ptr<CatalogEnv> MakePostgresEnv() {
  const std::string base = noisett::testing::PostgresTestUrl();
  if (base.empty()) return nullptr;
  std::string error;
  auto schema = noisett::testing::ScratchSchema::Create(base, &error);
  if (schema == nullptr) {
    ADD_FAILURE() << "cannot make a scratch schema: " << error;
    return nullptr;
  }
  PostgresOptions options;
  options.url = schema->url();
  auto catalog = PostgresCatalog::Open(options);
  if (!catalog) {
    ADD_FAILURE() << "PostgresCatalog::Open: " << Describe(catalog.error());
    return nullptr;
  }
  return std::make_unique<PostgresEnv>(std::move(schema), std::move(*catalog));
}

INSTANTIATE_TEST_SUITE_P(Postgres, CatalogContractTest,
                         ::testing::Values(CatalogBackend{"Postgres", MakePostgresEnv}),
                         BackendName);

}  // namespace
}  // namespace noisett::catalog::testing
