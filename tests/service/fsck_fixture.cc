// MaintenanceTest: real service, store and catalog for the rebuild and fsck suites.
#include "service/fsck_fixture.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "image/pipeline.h"
#include "image/test_images.h"
#include "storage/link_keys.h"
#include "storage/local_blob_store.h"

namespace noisett::service::testing {

std::string BlobName(const std::string& user, const std::string& job, const std::string& file) {
  return "generated/" + user + "/" + job + "/" + file;
}

MaintenanceTest::MaintenanceTest() {
  noisett::testing::InitVips();
  image::InitPipeline();
  char tmpl[] = "/tmp/noisett-fsck-XXXXXX";
  dir_ = mkdtemp(tmpl);
  storage::LocalStoreConfig config;
  config.root = dir_ + "/blobs";
  auto store = storage::LocalBlobStore::Open(config, clock_);
  EXPECT_TRUE(store.has_value());
  blobs_ = std::move(*store);
  catalog_ = NewCatalog("catalog");
  UseStore(nullptr);
}

MaintenanceTest::~MaintenanceTest() {
  service_.reset();
  std::filesystem::remove_all(dir_);
}

void MaintenanceTest::UseStore(std::unique_ptr<storage::BlobStore> blobs) {
  if (blobs) blobs_ = std::move(blobs);
  auto keys = storage::LinkKeySet::Create({{"k1", std::string(32, 's')}});
  signer_ = std::move(*storage::LocalLinkSigner::Create("http://127.0.0.1:8080", std::move(*keys),
                                                        clock_));
  service_ = std::make_unique<Service>(ServiceDeps{*blobs_, *catalog_, *signer_, clock_, {}});
}

std::unique_ptr<catalog::SqliteCatalog> MaintenanceTest::NewCatalog(const std::string& name) {
  auto c = catalog::SqliteCatalog::Open(dir_ + "/" + name + ".db");
  EXPECT_TRUE(c.has_value()) << c.error().ToString();
  return std::move(*c);
}

nlohmann::json MaintenanceTest::Run(const std::string& command, const std::string& user,
                                    const nlohmann::json& args) {
  auth::User u;
  u.user_id = user;
  u.name = user;
  auto out = service_->Run(command, u, {args, ""});
  EXPECT_TRUE(out.has_value()) << command << ": " << out.error().ToString();
  return out ? *out : nlohmann::json();
}

std::string MaintenanceTest::Upload(const std::string& user, const std::string& prompt,
                                    const std::string& job_id, int width) {
  nlohmann::json args = {{"prompt", prompt}, {"seed", width}};
  if (!job_id.empty()) args["job_id"] = job_id;
  const std::string png = noisett::testing::ToPng(noisett::testing::Textured(width, 32));
  auth::User u;
  u.user_id = user;
  u.name = user;
  auto out = service_->Run("images.upload", u, {args, png});
  EXPECT_TRUE(out.has_value()) << out.error().ToString();
  return out ? out->value("job_id", "") : "";
}

std::string MaintenanceTest::ReadBlob(const std::string& name) {
  auto data = blobs_->Get(name);
  EXPECT_TRUE(data.has_value()) << name << ": " << data.error().ToString();
  return data ? data->bytes : "";
}

void MaintenanceTest::PutBlob(const std::string& name, const std::string& bytes,
                              const std::string& content_type) {
  storage::PutOptions put;
  put.content_type = content_type;
  auto written = blobs_->Put(name, bytes, put);
  EXPECT_TRUE(written.has_value()) << name << ": " << written.error().ToString();
}

FsckReport MaintenanceTest::Fsck(catalog::Catalog& on, bool repair, int64_t grace_s) {
  FsckOptions options;
  options.repair = repair;
  options.grace_s = grace_s;
  auto report = RunFsck(*blobs_, on, clock_, options);
  EXPECT_TRUE(report.has_value()) << report.error().ToString();
  return report ? std::move(*report) : FsckReport{};
}

RebuildReport MaintenanceTest::Rebuild(catalog::Catalog& into) {
  auto report = RebuildCatalog(*blobs_, into);
  EXPECT_TRUE(report.has_value()) << report.error().ToString();
  return report ? std::move(*report) : RebuildReport{};
}

std::vector<std::string> MaintenanceTest::Dump(catalog::Catalog& c) {
  std::vector<std::string> rows;
  std::string after;
  do {
    auto page = c.ScanGenerations(after, 100);
    EXPECT_TRUE(page.has_value());
    if (!page) break;
    for (const catalog::Generation& g : page->items) {
      std::string row = g.user_id + "/" + g.job_id + " prompt=" + g.prompt + " type=" +
                        g.asset_type + " q=" + g.quality + " model=" + g.model +
                        " created=" + std::to_string(g.created_at) + " deleted=" +
                        (g.deleted_at ? std::to_string(*g.deleted_at) : "-");
      for (const catalog::ImageRecord& i : g.images) {
        row += " [" + std::to_string(i.index) + " seed=" + std::to_string(i.seed) + " " +
               i.blob_path + " " + i.thumbnail_path + " " + std::to_string(i.bytes) + "/" +
               std::to_string(i.thumbnail_bytes) + " " + std::to_string(i.width) + "x" +
               std::to_string(i.height) + " " + i.content_type + "]";
      }
      rows.push_back(std::move(row));
    }
    after = page->next_after;
  } while (!after.empty());
  return rows;
}

std::vector<std::string> MaintenanceTest::Kinds(const FsckReport& report) {
  std::vector<std::string> kinds;
  for (const Finding& f : report.findings) {
    kinds.push_back(std::string(FindingKindName(f.kind)) + " " + f.user_id + "/" + f.job_id);
  }
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

}  // namespace noisett::service::testing
