// lifecycle.run, lifecycle.export and images.rehydrate through the real App in-process
// (testing::TestApp: the local store in a temporary directory, a SQLite catalog file, the local
// link signer) and the blob route, with a ManualClock standing at each age. Real images are
// uploaded by users of each subscription tier; the sweeps must leave the catalog telling the truth
// about the blobs.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/sqlite_catalog.h"
#include "core/blob_paths.h"
#include "http/blob_handler.h"
#include "image/test_images.h"
#include "lifecycle/retention.h"
#include "service/fsck.h"
#include "service/job_metadata.h"
#include "service/lifecycle_run.h"
#include "service/rebuild.h"
#include "support/test_app.h"

namespace noisett::service {
namespace {

using Json = nlohmann::json;

constexpr int64_t kT0 = 1'800'000'000;
constexpr int64_t kDay = 86400;
constexpr char kBase[] = "http://127.0.0.1:8080";
constexpr char kContainer[] = "noisett-storage";

auth::User Person(const std::string& id, bool admin = false) {
  auth::User u;
  u.user_id = id;
  u.name = id;
  if (admin) u.roles.push_back(std::string(auth::kAdminRole));
  return u;
}

class LifecycleCommandsTest : public ::testing::Test {
 protected:
  LifecycleCommandsTest() {
    noisett::testing::InitVips();
    app_ = std::make_unique<noisett::testing::TestApp>(noisett::testing::TestAppOptions{
        .clock = &clock_, .settings = {{"--public-url", kBase}, {"--soft-delete-days", "7"}}});
    EXPECT_TRUE(app_->ok()) << app_->error();
    for (const auto& [user, tier] : std::vector<std::pair<std::string, std::string>>{
             {"alice", "free"}, {"bob", "basic"}, {"carol", "pro"}, {"dave", "enterprise"}}) {
      EXPECT_TRUE(catalog().UpsertUser({user, user + "@example.com", user, "free", kT0}));
      EXPECT_TRUE(catalog().SetUserTier(user, tier));
    }
  }

  storage::BlobStore& store() { return app_->app().blobs(); }
  catalog::Catalog& catalog() { return app_->app().catalog(); }

  Result<Json> Try(const std::string& command, const auth::User& user, const Json& args = {}) {
    return app_->Run(command, user, args.is_null() ? Json::object() : args);
  }
  Json Run(const std::string& command, const std::string& user, const Json& args = {}) {
    auto out = Try(command, Person(user), args);
    EXPECT_TRUE(out.has_value()) << command << ": " << out.error().ToString();
    return out ? *out : Json();
  }
  Json Sweep(int64_t day, bool dry_run = false) {
    clock_.Set(kT0 + day * kDay);
    auto out = Try("lifecycle.run", Person("root", true), {{"dry_run", dry_run}});
    EXPECT_TRUE(out.has_value()) << out.error().ToString();
    if (!out) return Json();
    EXPECT_EQ(out->at("errors"), Json::array()) << out->dump();
    return *out;
  }

  // images.upload of a real PNG: a new job, or one more image in `job_id`.
  std::string Upload(const std::string& user, const std::string& job_id = "") {
    Json args = {{"prompt", "a picture by " + user}};
    if (!job_id.empty()) args["job_id"] = job_id;
    const std::string png = noisett::testing::ToPng(noisett::testing::Textured(64, 40));
    auto out = app_->Run("images.upload", Person(user), args, png);
    EXPECT_TRUE(out.has_value()) << out.error().ToString();
    return out ? out->value("job_id", "") : "";
  }

  // The access_tier of each image of the user's job as history.list shows it; empty when the
  // job is not listed.
  std::vector<std::string> HistoryTiers(const std::string& user, const std::string& job) {
    const Json history = Run("history.list", user);  // named: a temporary's member would dangle
    for (const Json& g : history["generations"]) {
      if (g.value("job_id", "") != job) continue;
      std::vector<std::string> tiers;
      for (const Json& image : g["images"]) tiers.push_back(image.value("access_tier", "?"));
      return tiers;
    }
    return {};
  }
  std::vector<std::string> Favorites(const std::string& user) {
    std::vector<std::string> out;
    const Json favorites = Run("favorites.list", user);
    for (const Json& f : favorites["favorites"]) {
      out.push_back(f.value("job_id", "") + "/" + std::to_string(f.value("image_index", -1)));
    }
    return out;
  }

  // GET of a signed link through the blob route.
  http::HttpResponse Fetch(const std::string& url) {
    http::HttpRequest q;
    q.method = "GET";
    q.target = url.substr(std::string(kBase).size());
    auto segments = http::SplitPath(q.path());
    EXPECT_TRUE(segments.has_value()) << url;
    http::RouteParams p;
    p.rest.assign(segments->begin() + 1, segments->end());
    return http::ServeBlob({*app_->app().local_links(), store(), kContainer, clock_}, q, p);
  }
  std::string ImageUrl(const std::string& user, const std::string& job, int index = 0) {
    return Run("images.url", user, {{"job_id", job}, {"image_index", index}}).value("sas_url", "");
  }

  // fsck finds nothing: the catalog and the store agree after the sweeps (metadata.json is
  // never archived, so fsck can always read it).
  void ExpectConsistent() {
    auto report = RunFsck(store(), catalog(), clock_, FsckOptions{});
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    for (const Finding& f : report->findings) {
      ADD_FAILURE() << FindingKindName(f.kind) << " " << f.user_id << "/" << f.job_id << ": "
                    << f.detail;
    }
  }

  storage::AccessTier TierOf(const std::string& blob) {
    auto props = store().GetProperties(blob);
    EXPECT_TRUE(props.has_value()) << blob;
    return props ? props->tier : storage::AccessTier::kHot;
  }
  storage::Tags TagsOf(const std::string& blob) {
    auto props = store().GetProperties(blob);
    EXPECT_TRUE(props.has_value()) << blob;
    return props ? props->tags : storage::Tags{};
  }

  bool Live(const std::string& blob) { return store().GetProperties(blob).has_value(); }

  ManualClock clock_{kT0};
  std::unique_ptr<noisett::testing::TestApp> app_;
};

// One job per subscription tier, swept at 31, 91, 181 and 366 days: history shows each image's
// tier, and a job retention deleted leaves history and favorites.
TEST_F(LifecycleCommandsTest, HistoryFollowsTiersAndRetentionForEachSubscriptionTier) {
  std::map<std::string, std::string> jobs;
  for (const char* user : {"alice", "bob", "carol", "dave"}) {
    jobs[user] = Upload(user);
    Run("history.favorite", user, {{"job_id", jobs[user]}, {"image_index", 0}});
  }
  using Tiers = std::vector<std::string>;
  for (const char* user : {"alice", "bob", "carol", "dave"}) {
    EXPECT_EQ(HistoryTiers(user, jobs[user]), Tiers{"hot"}) << user;
  }

  Json s = Sweep(31);
  EXPECT_EQ(s["actions"]["tierToCool"]["count"], 12) << s.dump();  // image, thumbnail, metadata
  for (const char* user : {"alice", "bob", "carol", "dave"}) {
    EXPECT_EQ(HistoryTiers(user, jobs[user]), Tiers{"cool"}) << user;
  }

  s = Sweep(91);
  EXPECT_EQ(s["actions"]["delete"]["count"], 3) << s.dump();
  // Images and thumbnails only: metadata.json stays cool (no blob_kind tag).
  EXPECT_EQ(s["actions"]["tierToArchive"]["count"], 6) << s.dump();
  for (const char* user : {"bob", "carol", "dave"}) {
    EXPECT_EQ(TierOf(ImageBlobPath(user, jobs[user], 0)), storage::AccessTier::kArchive) << user;
    EXPECT_EQ(TierOf(MetadataBlobPath(user, jobs[user])), storage::AccessTier::kCool) << user;
  }
  EXPECT_EQ(HistoryTiers("alice", jobs["alice"]), Tiers{});
  EXPECT_EQ(Favorites("alice"), std::vector<std::string>{});
  EXPECT_EQ(Run("history.list", "alice")["total_count"], 0);
  for (const char* user : {"bob", "carol", "dave"}) {
    EXPECT_EQ(HistoryTiers(user, jobs[user]), Tiers{"archive"}) << user;
    EXPECT_EQ(Favorites(user), std::vector<std::string>{jobs[user] + "/0"}) << user;
  }

  Sweep(181);
  EXPECT_EQ(HistoryTiers("bob", jobs["bob"]), Tiers{});
  EXPECT_EQ(Favorites("bob"), std::vector<std::string>{});
  EXPECT_EQ(HistoryTiers("carol", jobs["carol"]), Tiers{"archive"});

  ExpectConsistent();

  Sweep(366);
  ExpectConsistent();
  EXPECT_EQ(HistoryTiers("carol", jobs["carol"]), Tiers{});
  EXPECT_EQ(HistoryTiers("dave", jobs["dave"]), Tiers{"archive"});
  EXPECT_EQ(Favorites("dave"), std::vector<std::string>{jobs["dave"] + "/0"});
  // alice's and bob's jobs were purged after their windows: gone from the catalog too.
  EXPECT_FALSE(catalog().GetGeneration("alice", jobs["alice"], true).has_value());
  EXPECT_FALSE(catalog().GetGeneration("bob", jobs["bob"], true).has_value());
  EXPECT_TRUE(catalog().GetGeneration("carol", jobs["carol"], true)->deleted_at.has_value());
}

// A dry run answers what a real run would do and changes nothing, in the store or the catalog.
TEST_F(LifecycleCommandsTest, DryRunDecidesTheSameAndChangesNothing) {
  const std::string job = Upload("alice");
  const std::string kept = Upload("dave");
  const Json dry = Sweep(91, /*dry_run=*/true);
  EXPECT_EQ(dry["dry_run"], true);
  EXPECT_EQ(HistoryTiers("alice", job), std::vector<std::string>{"hot"});
  EXPECT_TRUE(Live(ImageBlobPath("alice", job, 0)));
  EXPECT_EQ(Fetch(ImageUrl("dave", kept)).status, 200);

  Json real = Sweep(91);
  EXPECT_EQ(real["dry_run"], false);
  real["dry_run"] = true;
  EXPECT_EQ(real, dry);
  EXPECT_EQ(dry["actions"]["delete"], (Json{{"count", 3}, {"bytes", real["actions"]["delete"]["bytes"]}}));
  EXPECT_EQ(dry["scanned"], 6);
  EXPECT_EQ(HistoryTiers("alice", job), std::vector<std::string>{});
}

// A job retention deleted can be restored inside the soft-delete window, whole (images,
// thumbnails, metadata.json); after the window restore refuses, and the purge removes it.
TEST_F(LifecycleCommandsTest, RestoreWorksInsideTheWindowOnly) {
  const std::string early = Upload("alice");
  const std::string late = Upload("alice");
  Sweep(91);
  ASSERT_EQ(Run("history.list", "alice")["total_count"], 0);

  clock_.Set(kT0 + 98 * kDay - 1);
  const Json restored = Run("history.restore", "alice", {{"job_id", early}});
  EXPECT_EQ(restored.value("job_id", ""), early);
  EXPECT_EQ(HistoryTiers("alice", early), std::vector<std::string>{"hot"});
  for (const std::string& blob : {ImageBlobPath("alice", early, 0),
                                  ThumbnailBlobPath("alice", early, 0),
                                  MetadataBlobPath("alice", early)}) {
    EXPECT_TRUE(Live(blob)) << blob;
  }
  EXPECT_EQ(Fetch(ImageUrl("alice", early)).status, 200);

  clock_.Set(kT0 + 98 * kDay);
  auto refused = Try("history.restore", Person("alice"), {{"job_id", late}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, "job_not_found");
  Sweep(98);
  EXPECT_FALSE(catalog().GetGeneration("alice", late, true).has_value());
  EXPECT_FALSE(Live(MetadataBlobPath("alice", late)));
  refused = Try("history.restore", Person("alice"), {{"job_id", late}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, "job_not_found");
}

// Images of one job that age out on different days: the older one leaves the job (its favorite
// too) and metadata.json is rewritten to match, keeping its subscription_tier tag; when the last
// one goes, the job goes, and a restore brings back what it had then.
TEST_F(LifecycleCommandsTest, ImagesLeaveAJobOneByOneAndTheLastTakesTheJob) {
  const std::string job = Upload("alice");
  Upload("alice", job);  // index 1, same day: they leave together
  clock_.Set(kT0 + 30 * kDay);
  Upload("alice", job);  // index 2, a month younger
  for (int i : {0, 2}) Run("history.favorite", "alice", {{"job_id", job}, {"image_index", i}});

  Sweep(91);
  auto row = catalog().GetGeneration("alice", job);
  ASSERT_TRUE(row.has_value());
  ASSERT_EQ(row->images.size(), 1u);
  EXPECT_EQ(row->images[0].index, 2);
  EXPECT_EQ(Favorites("alice"), std::vector<std::string>{job + "/2"});
  auto metadata = store().Get(MetadataBlobPath("alice", job));
  ASSERT_TRUE(metadata.has_value());
  auto described = ParseMetadataJson(metadata->bytes, "alice", job);
  ASSERT_TRUE(described.has_value()) << described.error().ToString();
  ASSERT_EQ(described->images.size(), 1u);
  EXPECT_EQ(described->images[0].index, 2);
  EXPECT_EQ(metadata->properties.tags, (storage::Tags{{"subscription_tier", "free"}}));
  EXPECT_FALSE(Live(ThumbnailBlobPath("alice", job, 0)));
  ExpectConsistent();

  Sweep(121);
  ExpectConsistent();
  EXPECT_EQ(Run("history.list", "alice")["total_count"], 0);
  clock_.Set(kT0 + 122 * kDay);
  Run("history.restore", "alice", {{"job_id", job}});
  row = catalog().GetGeneration("alice", job);
  ASSERT_TRUE(row.has_value());
  ASSERT_EQ(row->images.size(), 1u);
  EXPECT_EQ(row->images[0].index, 2);
  EXPECT_TRUE(Live(ImageBlobPath("alice", job, 2)));
  EXPECT_TRUE(Live(MetadataBlobPath("alice", job)));
  ExpectConsistent();
}

// What an upload tags: images and thumbnails subscription_tier and blob_kind=image (the archive
// rule's filter), metadata.json subscription_tier only, also when an upload joins the job; and
// what users.set_tier leaves of it.
TEST_F(LifecycleCommandsTest, UploadTagsImagesButNotMetadataWithBlobKind) {
  const std::string job = Upload("carol");
  Upload("carol", job);
  const storage::Tags image{{"blob_kind", "image"}, {"subscription_tier", "pro"}};
  for (int i : {0, 1}) {
    EXPECT_EQ(TagsOf(ImageBlobPath("carol", job, i)), image) << i;
    EXPECT_EQ(TagsOf(ThumbnailBlobPath("carol", job, i)), image) << i;
  }
  EXPECT_EQ(TagsOf(MetadataBlobPath("carol", job)), (storage::Tags{{"subscription_tier", "pro"}}));

  // users.set_tier re-tags subscription_tier and keeps blob_kind where it was, and only there.
  auto set = Try("users.set_tier", Person("root", true), {{"user_id", "carol"}, {"tier", "basic"}});
  ASSERT_TRUE(set.has_value()) << set.error().ToString();
  EXPECT_EQ((*set)["blobs_retagged"], 5);
  const storage::Tags basic_image{{"blob_kind", "image"}, {"subscription_tier", "basic"}};
  for (int i : {0, 1}) {
    EXPECT_EQ(TagsOf(ImageBlobPath("carol", job, i)), basic_image) << i;
    EXPECT_EQ(TagsOf(ThumbnailBlobPath("carol", job, i)), basic_image) << i;
  }
  EXPECT_EQ(TagsOf(MetadataBlobPath("carol", job)),
            (storage::Tags{{"subscription_tier", "basic"}}));
}

// A job whose images were archived at day 91 keeps a cool metadata.json: an upload into it still
// works (it rewrites metadata.json), and catalog.rebuild and fsck can read it.
TEST_F(LifecycleCommandsTest, AJobWithArchivedImagesTakesUploadsAndRebuilds) {
  const std::string job = Upload("carol");
  Sweep(91);
  ASSERT_EQ(TierOf(ImageBlobPath("carol", job, 0)), storage::AccessTier::kArchive);
  ASSERT_EQ(TierOf(ThumbnailBlobPath("carol", job, 0)), storage::AccessTier::kArchive);
  ASSERT_EQ(TierOf(MetadataBlobPath("carol", job)), storage::AccessTier::kCool);
  ExpectConsistent();

  auto rebuilt = catalog::SqliteCatalog::Open(app_->root() + "/rebuilt-91.db");
  ASSERT_TRUE(rebuilt.has_value());
  auto report = RebuildCatalog(store(), **rebuilt);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->clean()) << ToJson(*report).dump();
  EXPECT_EQ(report->jobs_added, 1u);
  EXPECT_EQ((*rebuilt)->GetUser("carol")->subscription_tier, "pro");

  clock_.Set(kT0 + 92 * kDay);
  EXPECT_EQ(Upload("carol", job), job);
  auto metadata = store().Get(MetadataBlobPath("carol", job));
  ASSERT_TRUE(metadata.has_value()) << metadata.error().ToString();
  auto described = ParseMetadataJson(metadata->bytes, "carol", job);
  ASSERT_TRUE(described.has_value()) << described.error().ToString();
  EXPECT_EQ(described->images.size(), 2u);
  EXPECT_EQ(metadata->properties.tags, (storage::Tags{{"subscription_tier", "pro"}}));
  EXPECT_EQ(HistoryTiers("carol", job), (std::vector<std::string>{"archive", "hot"}));
  ExpectConsistent();

  auto again = catalog::SqliteCatalog::Open(app_->root() + "/rebuilt-92.db");
  ASSERT_TRUE(again.has_value());
  report = RebuildCatalog(store(), **again);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->clean()) << ToJson(*report).dump();
  EXPECT_EQ(report->images_added, 2u);

  // At day 200 metadata.json, rewritten at day 92, is as old as the image of that day: the image
  // goes to archive, metadata.json stays cool, and fsck still reads it.
  Sweep(200);
  EXPECT_EQ(TierOf(MetadataBlobPath("carol", job)), storage::AccessTier::kCool);
  EXPECT_EQ(TierOf(ImageBlobPath("carol", job, 1)), storage::AccessTier::kArchive);
  ExpectConsistent();
}

// All images of a job due the same day leave as one job: a restore brings every one back.
TEST_F(LifecycleCommandsTest, ImagesDueTogetherLeaveAsOneJob) {
  const std::string job = Upload("alice");
  Upload("alice", job);
  Upload("alice", job);
  Sweep(91);
  clock_.Set(kT0 + 92 * kDay);
  const Json restored = Run("history.restore", "alice", {{"job_id", job}});
  EXPECT_EQ(restored["images"].size(), 3u) << restored.dump();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Live(ImageBlobPath("alice", job, i))) << i;
}

// An archived image: its link is still handed out, marked archived, and reading it is 409
// BlobArchived until images.rehydrate brings it back (at once on the local store).
TEST_F(LifecycleCommandsTest, ArchivedReadsAre409UntilRehydrated) {
  const std::string job = Upload("dave");
  Sweep(91);
  const Json url = Run("images.url", "dave", {{"job_id", job}, {"image_index", 0}});
  EXPECT_EQ(url["archived"], true) << url.dump();
  EXPECT_EQ(url["access_tier"], "archive");
  http::HttpResponse read = Fetch(url.value("sas_url", ""));
  EXPECT_EQ(read.status, 409) << read.body;
  const Json body = Json::parse(read.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << read.body;
  EXPECT_EQ(body["error"]["code"], "BlobArchived") << read.body;

  const Json back = Run("images.rehydrate", "dave", {{"job_id", job}, {"image_index", 0}});
  EXPECT_EQ(back, (Json{{"job_id", job}, {"image_index", 0}, {"access_tier", "hot"},
                        {"rehydrating", false}}));
  EXPECT_EQ(Fetch(url.value("sas_url", "")).status, 200);
  EXPECT_EQ(Fetch(Run("images.url", "dave", {{"job_id", job}, {"image_index", 0},
                                              {"thumbnail", true}})
                      .value("sas_url", ""))
                .status,
            200);
  EXPECT_EQ(HistoryTiers("dave", job), std::vector<std::string>{"hot"});
  EXPECT_EQ(Run("images.url", "dave", {{"job_id", job}, {"image_index", 0}})["archived"], false);

  // A week later the rehydrated image is still online: the archive rule waits 7 days after the
  // last tier change, so only the cool rule applies.
  Sweep(94);
  EXPECT_EQ(HistoryTiers("dave", job), std::vector<std::string>{"cool"});
}

// An image that is not archived is answered with its tier and left where it is; someone else's
// image is not found.
TEST_F(LifecycleCommandsTest, RehydrateLeavesOnlineImagesAloneAndOthersImagesUnseen) {
  const std::string job = Upload("carol");
  Sweep(31);
  const Json same = Run("images.rehydrate", "carol", {{"job_id", job}, {"image_index", 0}});
  EXPECT_EQ(same["access_tier"], "cool");
  EXPECT_EQ(same["rehydrating"], false);
  EXPECT_EQ(store().GetProperties(ImageBlobPath("carol", job, 0))->tier,
            storage::AccessTier::kCool);
  auto other = Try("images.rehydrate", Person("dave"), {{"job_id", job}, {"image_index", 0}});
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().reason, "job_not_found");
  auto no_image = Try("images.rehydrate", Person("carol"), {{"job_id", job}, {"image_index", 5}});
  ASSERT_FALSE(no_image.has_value());
  EXPECT_EQ(no_image.error().reason, "image_not_found");
}

TEST_F(LifecycleCommandsTest, LifecycleCommandsAreForAdministrators) {
  for (const char* command : {"lifecycle.run", "lifecycle.export"}) {
    auto out = Try(command, Person("alice"));
    ASSERT_FALSE(out.has_value()) << command;
    EXPECT_EQ(out.error().reason, "not_admin") << command;
  }
}

TEST_F(LifecycleCommandsTest, ExportIsTheShippedPolicy) {
  auto out = Try("lifecycle.export", Person("root", true));
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_EQ(*out, Json::parse(lifecycle::SerializePolicy(lifecycle::DefaultPolicy(kContainer))));
  EXPECT_TRUE(out->contains("rules"));
}

// On Azure (no purge function: Azure applies the policy) a lifecycle pass refuses and says why.
TEST_F(LifecycleCommandsTest, RunRefusesWhereAzureAppliesThePolicy) {
  LifecycleDeps on_azure = app_->service().lifecycle();
  on_azure.purge_expired = nullptr;
  auto out = RunLifecycle(on_azure, /*dry_run=*/false);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(out.error().reason, "lifecycle_on_azure");
  EXPECT_NE(out.error().message.find("lifecycle.export"), std::string::npos);
  auto bad = Try("lifecycle.run", Person("root", true), {{"dry_rnu", true}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().reason, "bad_input");
}

}  // namespace
}  // namespace noisett::service
