// The real `noisett catalog.rebuild` and `noisett fsck` binaries on a data dir filled by the real
// `noisett images.upload` (direct mode): exit codes, the summary and report lines, --json,
// --repair with --grace, and another catalog chosen with --catalog.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/ids.h"
#include "image/pipeline.h"
#include "image/test_images.h"
#include "storage/local_blob_store.h"
#include "support/subprocess.h"

namespace noisett::service::testing {
namespace {

using Json = nlohmann::json;
using noisett::testing::ProcessResult;

class FsckCliTest : public ::testing::Test {
 protected:
  FsckCliTest() {
    char tmpl[] = "/tmp/noisett-fsck-cli-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~FsckCliTest() override { std::filesystem::remove_all(dir_); }
  // Commands other than init and serve refuse a store that does not exist.
  void SetUp() override { ASSERT_EQ(Noisett({"init"}).status, 0); }

  ProcessResult Noisett(std::vector<std::string> args) {
    args.insert(args.begin(), NOISETT_BIN);
    args.push_back("--data-dir");
    args.push_back(dir_);
    // The blob counts below are of images and thumbnails; renditions in fsck are
    // tests/service/renditions_test.cc's.
    if (args[1] != "init") args.insert(args.end(), {"--renditions", "none"});
    noisett::testing::ProcessOptions options;
    options.drop_env_prefixes = {"NOISETT_", "AZURE_"};
    return noisett::testing::RunProcess(args, options);
  }
  std::string UploadJob(const std::string& user, int width) {
    noisett::testing::InitVips();
    const std::string file = dir_ + "/in.png";
    {
      std::FILE* f = std::fopen(file.c_str(), "wb");
      const std::string png = noisett::testing::ToPng(noisett::testing::Textured(width, 30));
      std::fwrite(png.data(), 1, png.size(), f);
      std::fclose(f);
    }
    const ProcessResult up = Noisett({"images.upload", "{\"prompt\":\"cli\"}", "--file", file,
                                      "--user", user});
    EXPECT_EQ(up.status, 0) << up.err;
    return Json::parse(up.out, nullptr, false).value("job_id", "");
  }
  std::string dir_;
};

TEST_F(FsckCliTest, RebuildAndFsckFromTheCommandLine) {
  const std::string a = UploadJob("alice", 50);
  const std::string b = UploadJob("bob", 60);

  ProcessResult clean = Noisett({"fsck"});
  EXPECT_EQ(clean.status, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("clean: the catalog and the store agree"), std::string::npos);
  EXPECT_NE(clean.err.find("listed 6 blobs"), std::string::npos) << clean.err;

  ProcessResult again = Noisett({"catalog.rebuild"});
  EXPECT_EQ(again.status, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("already present:   2"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("favorites cannot be rebuilt"), std::string::npos) << again.out;

  // A lost catalog: every job is an orphan to a fresh one; rebuild brings them back.
  const std::string fresh = "sqlite://" + dir_ + "/fresh.db";
  EXPECT_EQ(Noisett({"fsck", "--catalog", fresh}).status, 2);  // a mistyped catalog: refused
  ASSERT_EQ(Noisett({"init", "--catalog", fresh}).status, 0);
  ProcessResult orphans = Noisett({"fsck", "--catalog", fresh, "--json"});
  EXPECT_EQ(orphans.status, 1) << orphans.err;
  const Json report = Json::parse(orphans.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << orphans.out;
  EXPECT_EQ(report["findings"].size(), 2u);
  EXPECT_EQ(report["findings"][0]["kind"], "orphan_blobs");
  EXPECT_EQ(report["clean"], false);

  ProcessResult rebuilt = Noisett({"catalog.rebuild", "--catalog", fresh, "--json"});
  EXPECT_EQ(rebuilt.status, 0) << rebuilt.out << rebuilt.err;
  const Json summary = Json::parse(rebuilt.out, nullptr, false);
  ASSERT_TRUE(summary.is_object()) << rebuilt.out;
  EXPECT_EQ(summary["jobs_added"], 2);
  EXPECT_EQ(summary["users_added"], 2);
  EXPECT_EQ(Noisett({"fsck", "--catalog", fresh}).status, 0);

  // --repair on another empty catalog: inside the grace period nothing happens (exit 1), with
  // --grace 0 the orphans are re-added (exit 0) and the next fsck is clean.
  const std::string other = "sqlite://" + dir_ + "/other.db";
  ASSERT_EQ(Noisett({"init", "--catalog", other}).status, 0);
  ProcessResult young = Noisett({"fsck", "--repair", "--catalog", other});
  EXPECT_EQ(young.status, 1);
  EXPECT_NE(young.out.find("younger than the grace period"), std::string::npos) << young.out;
  ProcessResult repaired = Noisett({"fsck", "--repair", "--grace", "0s", "--catalog", other});
  EXPECT_EQ(repaired.status, 0) << repaired.out << repaired.err;
  EXPECT_NE(repaired.out.find("re-added to the catalog"), std::string::npos) << repaired.out;
  EXPECT_EQ(Noisett({"fsck", "--catalog", other}).status, 0);
  (void)a;
  (void)b;
}

TEST_F(FsckCliTest, SkippedJobsAndBadFlagsHaveTheirExitCodes) {
  UploadJob("alice", 40);
  {
    // A job folder whose metadata.json lies about its user (written while no noisett runs).
    ManualClock clock(SystemClock::Instance().NowSeconds());
    storage::LocalStoreConfig config;
    config.root = dir_ + "/blobs";
    auto store = storage::LocalBlobStore::Open(config, clock);
    ASSERT_TRUE(store);
    const std::string job = NewJobId(1'800'000'000'000);
    ASSERT_TRUE((*store)->Put("generated/alice/" + job + "/metadata.json",
                              R"({"job_id":")" + job + R"(","user_id":"mallory"})", {}));
  }
  ProcessResult skipped = Noisett({"catalog.rebuild", "--catalog", "sqlite://" + dir_ + "/r.db"});
  EXPECT_EQ(skipped.status, 1) << skipped.out << skipped.err;
  EXPECT_NE(skipped.out.find("jobs added:        1"), std::string::npos) << skipped.out;
  EXPECT_NE(skipped.out.find("not the path's user"), std::string::npos) << skipped.out;

  EXPECT_EQ(Noisett({"fsck", "--grace", "soon"}).status, 2);
  EXPECT_EQ(Noisett({"fsck", "--store", "ftp://x"}).status, 2);
  ProcessResult help = noisett::testing::RunProcess({NOISETT_BIN, "--help"});
  EXPECT_NE(help.out.find("catalog.rebuild"), std::string::npos);
  EXPECT_NE(help.out.find("fsck"), std::string::npos);
  // Each command's own options are in its own help (the top-level help is one page).
  ProcessResult fsck_help = noisett::testing::RunProcess({NOISETT_BIN, "fsck", "--help"});
  EXPECT_EQ(fsck_help.status, 0) << fsck_help.err;
  EXPECT_NE(fsck_help.out.find("--repair"), std::string::npos) << fsck_help.out;
}

}  // namespace
}  // namespace noisett::service::testing
