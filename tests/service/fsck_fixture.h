// The shared ground of the catalog.rebuild, fsck and generate suites: the real App (so blobs are
// exactly what the server writes) in this process (testing::TestApp: the local store in a
// temporary directory, or Azurite, and a real SQLite catalog file), with a ManualClock so grace
// periods and soft-delete windows are exact. Helpers upload real images, break things behind the
// service's back, and dump a catalog for comparison.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/sqlite_catalog.h"
#include "core/clock.h"
#include "service/fsck.h"
#include "service/rebuild.h"
#include "service/service.h"
#include "storage/blob_store.h"
#include "support/test_app.h"

namespace noisett::service::testing {

inline constexpr int64_t kStart = 1'800'000'000;

class MaintenanceTest : public ::testing::Test {
 protected:
  MaintenanceTest();  // Start({})
  ~MaintenanceTest() override;

  // (Re)opens the App on a fresh data dir with `options` (its clock is always clock_). False,
  // with a test failure or (for a missing Azurite) a skip to do, when it does not open.
  bool Start(noisett::testing::TestAppOptions options);
  storage::BlobStore& blobs() { return app_->app().blobs(); }
  catalog::Catalog& catalog() { return app_->app().catalog(); }
  service::Service& service() { return app_->service(); }

  // A fresh, empty catalog file in the test's directory.
  std::unique_ptr<catalog::SqliteCatalog> NewCatalog(const std::string& name);

  // images.upload of a real PNG as `user`: a new job, or one more image in `job_id`.
  std::string Upload(const std::string& user, const std::string& prompt,
                     const std::string& job_id = "", int width = 48);
  // Runs a service command as `user`; fails the test on error.
  nlohmann::json Run(const std::string& command, const std::string& user,
                     const nlohmann::json& args);
  // The same, with the error for the test to look at.
  Result<nlohmann::json> Try(const std::string& command, const nlohmann::json& args,
                             const std::string& user = "alice", std::string_view body = {});

  std::string ReadBlob(const std::string& name);
  void PutBlob(const std::string& name, const std::string& bytes,
               const std::string& content_type = "application/json");

  FsckReport Fsck(catalog::Catalog& on, bool repair, int64_t grace_s = 3600);
  FsckReport Fsck(bool repair = false, int64_t grace_s = 3600) {
    return Fsck(catalog(), repair, grace_s);
  }
  RebuildReport Rebuild(catalog::Catalog& into);

  // Every row of `c` (ScanGenerations), one line each with every field, for EXPECT_EQ.
  static std::vector<std::string> Dump(catalog::Catalog& c);
  // "kind user/job" of each finding, sorted.
  static std::vector<std::string> Kinds(const FsckReport& report);

  ManualClock clock_{kStart};
  std::unique_ptr<noisett::testing::TestApp> app_;
};

// generated/{user}/{job}/{file}
std::string BlobName(const std::string& user, const std::string& job, const std::string& file);

}  // namespace noisett::service::testing
