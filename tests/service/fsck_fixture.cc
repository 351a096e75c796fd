// MaintenanceTest: real service, store and catalog for the rebuild and fsck suites.
#include "service/fsck_fixture.h"

#include "catalog/rendition_column.h"

#include <algorithm>

#include "image/test_images.h"

namespace noisett::service::testing {

std::string BlobName(const std::string& user, const std::string& job, const std::string& file) {
  return "generated/" + user + "/" + job + "/" + file;
}

MaintenanceTest::MaintenanceTest() {
  noisett::testing::InitVips();
  Start({});
}

MaintenanceTest::~MaintenanceTest() = default;

bool MaintenanceTest::Start(noisett::testing::TestAppOptions options) {
  options.clock = &clock_;
  app_.reset();
  app_ = std::make_unique<noisett::testing::TestApp>(std::move(options));
  if (!app_->ok() && !app_->unavailable()) ADD_FAILURE() << app_->error();
  return app_->ok();
}

std::unique_ptr<catalog::SqliteCatalog> MaintenanceTest::NewCatalog(const std::string& name) {
  auto c = catalog::SqliteCatalog::Open(app_->root() + "/" + name + ".db");
  EXPECT_TRUE(c.has_value()) << c.error().ToString();
  return std::move(*c);
}

nlohmann::json MaintenanceTest::Run(const std::string& command, const std::string& user,
                                    const nlohmann::json& args) {
  auto out = Try(command, args, user);
  EXPECT_TRUE(out.has_value()) << command << ": " << out.error().ToString();
  return out ? *out : nlohmann::json();
}

Result<nlohmann::json> MaintenanceTest::Try(const std::string& command, const nlohmann::json& args,
                                            const std::string& user, std::string_view body) {
  return app_->Run(command, noisett::testing::TestApp::User(user), args, body);
}

std::string MaintenanceTest::Upload(const std::string& user, const std::string& prompt,
                                    const std::string& job_id, int width) {
  nlohmann::json args = {{"prompt", prompt}, {"seed", width}};
  if (!job_id.empty()) args["job_id"] = job_id;
  const std::string png = noisett::testing::ToPng(noisett::testing::Textured(width, 32));
  auto out = Try("images.upload", args, user, png);
  EXPECT_TRUE(out.has_value()) << out.error().ToString();
  return out ? out->value("job_id", "") : "";
}

std::string MaintenanceTest::ReadBlob(const std::string& name) {
  auto data = blobs().Get(name);
  EXPECT_TRUE(data.has_value()) << name << ": " << data.error().ToString();
  return data ? data->bytes : "";
}

void MaintenanceTest::PutBlob(const std::string& name, const std::string& bytes,
                              const std::string& content_type) {
  storage::PutOptions put;
  put.content_type = content_type;
  auto written = blobs().Put(name, bytes, put);
  EXPECT_TRUE(written.has_value()) << name << ": " << written.error().ToString();
}

FsckReport MaintenanceTest::Fsck(catalog::Catalog& on, bool repair, int64_t grace_s) {
  FsckOptions options;
  options.repair = repair;
  options.grace_s = grace_s;
  auto report = RunFsck(blobs(), on, clock_, options);
  EXPECT_TRUE(report.has_value()) << report.error().ToString();
  return report ? std::move(*report) : FsckReport{};
}

RebuildReport MaintenanceTest::Rebuild(catalog::Catalog& into) {
  auto report = RebuildCatalog(blobs(), into);
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
               std::to_string(i.height) + " " + i.content_type + " " + i.thumbhash +
               " renditions=" + std::string(catalog::RenditionStateName(i.renditions_state)) + ":" +
               catalog::RenditionListText(i.renditions) + "]";
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
