// Runs the Catalog contract suite against SqliteCatalog on a real file in a temporary directory,
// and against ":memory:" (one connection), which the unit tests of other modules use.
#include <memory>

#include "catalog/catalog_contract.h"
#include "catalog/sqlite_catalog.h"
#include "catalog/temp_dir.h"

namespace noisett::catalog::testing {
namespace {

class SqliteEnv final : public CatalogEnv {
 public:
  explicit SqliteEnv(bool in_memory) : in_memory_(in_memory) {
    auto opened = SqliteCatalog::Open(in_memory ? ":memory:" : dir_.File("noisett.db"));
    if (!opened) std::abort();  // nothing in the suite could run
    catalog_ = std::move(*opened);
  }
  Catalog& catalog() override { return *catalog_; }
  std::unique_ptr<Catalog> OpenAnother() override {
    if (in_memory_) return nullptr;
    auto opened = SqliteCatalog::Open(dir_.File("noisett.db"));
    if (!opened) {
      ADD_FAILURE() << "SqliteCatalog::Open again: " << Describe(opened.error());
      return nullptr;
    }
    return std::move(*opened);
  }

 private:
  bool in_memory_;
  TempDir dir_;
  std::unique_ptr<SqliteCatalog> catalog_;
};

CatalogBackend SqliteFileBackend() {
  return {"SqliteFile", [] { return std::make_unique<SqliteEnv>(false); }};
}
CatalogBackend SqliteMemoryBackend() {
  return {"SqliteMemory", [] { return std::make_unique<SqliteEnv>(true); }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, CatalogContractTest,
                         ::testing::Values(SqliteFileBackend(), SqliteMemoryBackend()),
                         BackendName);

}  // namespace
}  // namespace noisett::catalog::testing
