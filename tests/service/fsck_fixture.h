// The shared ground of the catalog.rebuild and fsck suites: the real service (so blobs are exactly
// what the server writes) over a real blob store (LocalBlobStore in a temporary directory, or
// AzureBlobStore on Azurite) and a real SQLite catalog file, with a ManualClock so grace periods
// and soft-delete windows are exact. Helpers upload real images, break things behind the
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
#include "storage/link_signer.h"

namespace noisett::service::testing {

inline constexpr int64_t kStart = 1'800'000'000;

class MaintenanceTest : public ::testing::Test {
 protected:
  MaintenanceTest();
  ~MaintenanceTest() override;

  // Uses `blobs` instead of the local store (Azurite suites); call before anything else.
  void UseStore(std::unique_ptr<storage::BlobStore> blobs);
  storage::BlobStore& blobs() { return *blobs_; }
  catalog::Catalog& catalog() { return *catalog_; }

  // A fresh, empty catalog file in the test's directory.
  std::unique_ptr<catalog::SqliteCatalog> NewCatalog(const std::string& name);

  // images.upload of a real PNG as `user`: a new job, or one more image in `job_id`.
  std::string Upload(const std::string& user, const std::string& prompt,
                     const std::string& job_id = "", int width = 48);
  // Runs a service command as `user`; fails the test on error.
  nlohmann::json Run(const std::string& command, const std::string& user,
                     const nlohmann::json& args);

  std::string ReadBlob(const std::string& name);
  void PutBlob(const std::string& name, const std::string& bytes,
               const std::string& content_type = "application/json");

  FsckReport Fsck(catalog::Catalog& on, bool repair, int64_t grace_s = 3600);
  FsckReport Fsck(bool repair = false, int64_t grace_s = 3600) {
    return Fsck(*catalog_, repair, grace_s);
  }
  RebuildReport Rebuild(catalog::Catalog& into);

  // Every row of `c` (ScanGenerations), one line each with every field, for EXPECT_EQ.
  static std::vector<std::string> Dump(catalog::Catalog& c);
  // "kind user/job" of each finding, sorted.
  static std::vector<std::string> Kinds(const FsckReport& report);

  std::string dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<storage::BlobStore> blobs_;
  std::unique_ptr<catalog::SqliteCatalog> catalog_;
  std::unique_ptr<storage::LinkSigner> signer_;
  std::unique_ptr<Service> service_;
};

// generated/{user}/{job}/{file}
std::string BlobName(const std::string& user, const std::string& job, const std::string& file);

}  // namespace noisett::service::testing
