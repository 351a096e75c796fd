// The Catalog contract suite: behavioural tests written against the Catalog interface only, run
// once per implementation. An implementation joins by instantiating the suite with a backend
// whose factory makes a fresh, empty catalog per test (see sqlite_contract_test.cc):
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, CatalogContractTest, ::testing::Values(SqliteBackend()),
//                            BackendName);
//
// A factory that cannot reach its database (no PostgreSQL server) returns nullptr and the test
// is skipped with a message saying so.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "core/result.h"

namespace noisett::catalog::testing {

// The lease CatalogContractTest::Claim takes.
inline constexpr int64_t kLeaseMs = 30'000;

// One test's database behind a Catalog, and whatever must be cleaned up after it.
class CatalogEnv {
 public:
  virtual ~CatalogEnv() = default;
  virtual Catalog& catalog() = 0;
  // Another catalog on the same database, as a second process or instance opens it; nullptr
  // where there can be none (an in-memory database lives in one connection).
  virtual std::unique_ptr<Catalog> OpenAnother() { return nullptr; }
};

struct CatalogBackend {
  std::string name;  // test-name suffix
  std::function<std::unique_ptr<CatalogEnv>()> make;
};

std::string BackendName(const ::testing::TestParamInfo<CatalogBackend>& info);

class CatalogContractTest : public ::testing::TestWithParam<CatalogBackend> {
 protected:
  void SetUp() override;
  Catalog& catalog() { return env_->catalog(); }
  std::unique_ptr<Catalog> OpenAnother() { return env_->OpenAnother(); }

  // A generation of `user` with images 0..image_count-1 (1000 + index bytes each, thumbnails of
  // 100 + index bytes).
  static Generation MakeGeneration(const std::string& user, const std::string& job,
                                   int64_t created_at, int image_count = 2);
  static ImageRecord MakeImage(const std::string& user, const std::string& job, int index);
  // Inserts MakeGeneration(...) and fails the test if that fails.
  void Insert(const std::string& user, const std::string& job, int64_t created_at,
              int image_count = 2);

  // A job of `user` (prompt, asset type, quality, model filled in) for `generator`, with `seeds`
  // seeds (1000, 1001, ...).
  static JobRecord MakeJob(const std::string& user, const std::string& job, int64_t created_at_ms,
                           int seeds = 2, const std::string& generator = "noise");
  // catalog().jobs().CreateJob(job), failing the test if that fails.
  void CreateJob(const JobRecord& job);
  // The id of the job `instance` claims at now_ms (noise jobs, kLeaseMs leases); "" when there is
  // none. Fails the test on an error.
  std::string Claim(const std::string& instance, int64_t now_ms);

 private:
  std::unique_ptr<CatalogEnv> env_;
};

// CatalogContractTest::MakeGeneration / MakeImage, for backend-specific suites outside the fixture.
ImageRecord SampleImage(const std::string& user, const std::string& job, int index);
Generation SampleGeneration(const std::string& user, const std::string& job, int64_t created_at,
                            int image_count = 2);

// Success, or the error's code and reason as text ("ok" / "kNotFound job_not_found").
std::string Describe(const Error& error);
template <typename T>
std::string Describe(const Result<T>& result) {
  return result ? std::string("ok") : Describe(result.error());
}

// Asserts that `result` failed with `code` and `reason`.
template <typename T>
::testing::AssertionResult FailsWith(const Result<T>& result, ErrorCode code,
                                     std::string_view reason) {
  if (!result) {
    const Error& e = result.error();
    if (e.code == code && e.reason == reason) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << Describe(result) << ", want " << ErrorCodeName(code) << " " << reason;
}

}  // namespace noisett::catalog::testing
