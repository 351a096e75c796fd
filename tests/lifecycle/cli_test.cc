// `noisett lifecycle.run` and `lifecycle.export` as an operator runs them, on a real data dir
// (local store + SQLite), with the process moved days ahead by faketime: images uploaded today are
// cool after 30 days, and at 91 days a free user's job is deleted (restorable inside the
// soft-delete window) while a pro user's is archived, refused on read until rehydrated.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/test_images.h"
#include "support/subprocess.h"

namespace noisett::lifecycle_cli {
namespace {

using Json = nlohmann::json;
using testing::ProcessOptions;
using testing::ProcessResult;
using testing::RunProcess;

bool HaveFaketime() { return std::filesystem::exists("/usr/bin/faketime"); }

class LifecycleCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("noisett-lifecycle-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    // Commands other than init and serve refuse a store that does not exist.
    ASSERT_EQ(Noisett({"init"}).status, 0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // noisett ARGS on this data dir, `days` ahead of now (0: the real time).
  ProcessResult Noisett(std::vector<std::string> args, int days = 0) {
    std::vector<std::string> argv;
    if (days > 0) {
      std::string offset = "+";
      offset += std::to_string(days);
      offset += 'd';
      argv = {"/usr/bin/faketime", "-f", offset};
    }
    argv.push_back(NOISETT_BIN);
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--data-dir", dir_.string()});
    // The counts below are of images, thumbnails and metadata.json; renditions through the
    // lifecycle are tests/service/renditions_test.cc's.
    if (args[0] != "init") argv.insert(argv.end(), {"--renditions", "none"});
    ProcessOptions options;
    options.drop_env_prefixes = {"NOISETT_", "AZURE_"};
    // faketime is an LD_PRELOAD library; ASan wants to be first but works after it.
    options.set_env = {{"ASAN_OPTIONS", "verify_asan_link_order=0"}};
    return RunProcess(argv, options);
  }

  Json MustJson(std::vector<std::string> args, int days = 0) {
    const ProcessResult r = Noisett(std::move(args), days);
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    Json out = Json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(out.is_object()) << r.out << r.err;
    return out;
  }

  std::string UploadAs(const std::string& user, const std::string& prompt) {
    const std::string file = (dir_ / "in.png").string();
    std::ofstream(file, std::ios::binary) << testing::ToPng(testing::Textured(64, 48));
    Json up = MustJson({"images.upload", Json{{"prompt", prompt}}.dump(), "--file", file,
                        "--user", user});
    return up.value("job_id", "");
  }

  std::filesystem::path dir_;
};

int64_t Count(const Json& summary, const std::string& action) {
  return summary["actions"].value(action, Json::object()).value("count", int64_t{-1});
}

TEST_F(LifecycleCliTest, ExportPrintsTheShippedPolicyAndFollowsRetentionDays) {
  const ProcessResult r = Noisett({"lifecycle.export"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream shipped(std::string(NOISETT_SOURCE_DIR) + "/deploy/azure/blob-lifecycle-policy.json");
  const std::string expected{std::istreambuf_iterator<char>(shipped), {}};
  EXPECT_EQ(r.out, expected);

  const ProcessResult longer = Noisett({"lifecycle.export", "--retention-days",
                                        "free=30,enterprise=3650", "--container", "other-box"});
  ASSERT_EQ(longer.status, 0) << longer.err;
  const Json policy = Json::parse(longer.out);
  std::vector<std::string> names;
  for (const Json& rule : policy["rules"]) names.push_back(rule["name"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "delete-enterprise-tier"), names.end());
  EXPECT_NE(longer.out.find("\"other-box/generated/\""), std::string::npos) << longer.out;
  EXPECT_EQ(longer.out.find("noisett-storage"), std::string::npos);
}

TEST_F(LifecycleCliTest, BadPolicyFileAndBadSettingsAreRefusedWithTheirFault) {
  const std::string file = (dir_ / "policy.json").string();
  std::ofstream(file) << R"({"rules":[{"name":"x","definition":{"actions":{"baseBlob":)"
                         R"({"tierToCool":{"daysAfterModificationGreaterThan":"30"}}}}}]})";
  const ProcessResult bad = Noisett({"lifecycle.run", "--lifecycle-policy", file});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("bad_policy"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("$.rules[0].definition.actions.baseBlob.tierToCool"), std::string::npos)
      << bad.err;
  const ProcessResult retention = Noisett({"lifecycle.export", "--retention-days", "gold=3"});
  EXPECT_EQ(retention.status, 2);
  EXPECT_NE(retention.err.find("bad_retention"), std::string::npos) << retention.err;
  const ProcessResult interval =
      Noisett({"serve", "--listen", "127.0.0.1:0", "--lifecycle-interval", "5s"});
  EXPECT_EQ(interval.status, 2);
  EXPECT_NE(interval.err.find("bad_interval"), std::string::npos) << interval.err;
}

TEST_F(LifecycleCliTest, AgesTiersDeletesRestoresAndRehydratesThroughTime) {
  if (!HaveFaketime()) GTEST_FAIL() << "faketime is missing: scripts/setup.sh installs it";
  const std::string free_job = UploadAs("alice", "free tier");
  const std::string pro_job = UploadAs("bob", "pro tier");
  Json set = MustJson({"users.set_tier", R"({"user_id":"bob","tier":"pro"})", "--user", "ops"});
  EXPECT_EQ(set.value("tier", ""), "pro") << set;

  // Today: nothing is due. 2 jobs x (image, thumbnail, metadata.json).
  Json today = MustJson({"lifecycle.run", "--json"});
  EXPECT_EQ(today.value("scanned", 0), 6);
  EXPECT_EQ(Count(today, "tierToCool"), 0);

  // Day 31: everything goes cool; a dry run first changes nothing.
  Json dry = MustJson({"lifecycle.run", "--dry-run", "--json"}, 31);
  EXPECT_TRUE(dry.value("dry_run", false));
  EXPECT_EQ(Count(dry, "tierToCool"), 6);
  Json cool = MustJson({"lifecycle.run", "--json"}, 31);
  EXPECT_EQ(Count(cool, "tierToCool"), 6);
  EXPECT_EQ(cool["tiers"]["Cool"].value("count", 0), 6) << cool;
  Json again = MustJson({"lifecycle.run", "--json"}, 32);
  EXPECT_EQ(Count(again, "tierToCool"), 0) << "a second pass finds nothing new";
  Json bob_history = MustJson({"history.get", Json{{"job_id", pro_job}}.dump(), "--user", "bob"}, 32);
  EXPECT_EQ(bob_history["images"][0].value("access_tier", ""), "cool") << bob_history;

  // Day 91: the free job is deleted (all 3 blobs), the pro job's image and thumbnail archived
  // (metadata.json stays cool: it must stay readable for uploads, fsck and rebuilds).
  Json day91 = MustJson({"lifecycle.run", "--json"}, 91);
  EXPECT_EQ(Count(day91, "delete"), 3) << day91;
  EXPECT_EQ(Count(day91, "tierToArchive"), 2) << day91;
  Json alice_list = MustJson({"history.list", "{}", "--user", "alice"}, 91);
  EXPECT_EQ(alice_list.value("total_count", -1), 0) << alice_list;
  Json archived = MustJson({"history.get", Json{{"job_id", pro_job}}.dump(), "--user", "bob"}, 91);
  EXPECT_EQ(archived["images"][0].value("access_tier", ""), "archive") << archived;
  EXPECT_TRUE(archived["images"][0].value("archived", false));

  // Inside the soft-delete window the free job comes back; the pro image is rehydrated.
  Json restored =
      MustJson({"history.restore", Json{{"job_id", free_job}}.dump(), "--user", "alice"}, 93);
  EXPECT_EQ(restored.value("job_id", ""), free_job) << restored;
  Json rehydrated = MustJson(
      {"images.rehydrate", Json{{"job_id", pro_job}, {"image_index", 0}}.dump(), "--user", "bob"},
      93);
  EXPECT_EQ(rehydrated.value("access_tier", ""), "hot") << rehydrated;
  Json hot = MustJson({"history.get", Json{{"job_id", pro_job}}.dump(), "--user", "bob"}, 93);
  EXPECT_FALSE(hot["images"][0].value("archived", true)) << hot;
  // The rehydrated image is not archived again at once (7-day guard), only later.
  Json day95 = MustJson({"lifecycle.run", "--json"}, 95);
  EXPECT_EQ(Count(day95, "tierToArchive"), 0) << day95;
}

TEST_F(LifecycleCliTest, RestoreFailsAfterTheWindowAndThePurgeEmptiesTheCatalog) {
  if (!HaveFaketime()) GTEST_FAIL() << "faketime is missing: scripts/setup.sh installs it";
  const std::string job = UploadAs("carol", "short-lived");
  Json day91 = MustJson({"lifecycle.run", "--json"}, 91);
  EXPECT_EQ(Count(day91, "delete"), 3) << day91;
  // Day 99: past the 7-day window.
  const ProcessResult late = Noisett(
      {"history.restore", Json{{"job_id", job}}.dump(), "--user", "carol"}, 99);
  EXPECT_EQ(late.status, 1) << late.out << late.err;
  Json purge = MustJson({"lifecycle.run", "--json"}, 99);
  EXPECT_EQ(Count(purge, "purge"), 3) << purge;
  // Past the window deleted blobs are invisible even to a listing; the purge reclaims them.
  EXPECT_EQ(purge.value("scanned", -1), 0) << purge;
  Json after = MustJson({"lifecycle.run", "--json"}, 100);
  EXPECT_EQ(after.value("scanned", -1), 0) << after;
  const ProcessResult gone =
      Noisett({"history.get", Json{{"job_id", job}}.dump(), "--user", "carol"}, 100);
  EXPECT_EQ(gone.status, 1);
  EXPECT_NE(gone.err.find("job_not_found"), std::string::npos) << gone.err;
}

TEST_F(LifecycleCliTest, OnAzureLifecycleRunRefusesAndPointsAtExport) {
  // An Azure store (never reached: the refusal comes first) - Azure applies the policy itself.
  const ProcessResult r = Noisett(
      {"lifecycle.run", "--azure-connection-string",
       "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
       "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
       "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;"});
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("lifecycle_on_azure"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lifecycle.export"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace noisett::lifecycle_cli
