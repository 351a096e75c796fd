// catalog.rebuild on the real service's blobs: an empty catalog gets back every job, image,
// soft-deleted state, user and tier exactly; a second run adds nothing; malformed metadata.json
// (bad JSON, another user, an index out of range, a path trick) and missing blobs are reported and
// never trusted; names that are no job's file are listed, not used.
#include <algorithm>
#include <filesystem>
#include <functional>

#include "core/ids.h"
#include "service/fsck_fixture.h"
#include "service/job_metadata.h"

namespace noisett::service::testing {
namespace {

using Json = nlohmann::json;

class RebuildTest : public MaintenanceTest {
 protected:
  // Removes a blob for good, as a lost disk or a purge would (not a soft delete).
  void Lose(const std::string& name) {
    std::filesystem::remove_all(app_->data_dir() + "/blobs/noisett-storage/blobs/" + name + "@");
  }
  Json Metadata(const std::string& user, const std::string& job) {
    return Json::parse(ReadBlob(BlobName(user, job, "metadata.json")));
  }
  static bool Mentions(const std::vector<JobNote>& notes, const std::string& job,
                       const std::string& words) {
    for (const JobNote& n : notes) {
      if (n.job_id == job && n.reason.find(words) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(RebuildTest, EmptyCatalogGetsEverythingBackExactly) {
  ASSERT_TRUE(catalog().UpsertUser({"bob", "bob@x", "Bob", "pro", kStart}));
  const std::string a1 = Upload("alice", "a red fox");
  clock_.Advance(10);
  Upload("alice", "a red fox", a1, 40);  // a second image in the same job
  clock_.Advance(10);
  const std::string a2 = Upload("alice", "deleted later");
  const std::string b1 = Upload("bob", "bob's");
  Run("history.favorite", "alice", {{"job_id", a1}, {"image_index", 1}});
  clock_.Advance(100);
  Run("history.delete", "alice", {{"job_id", a2}});

  auto rebuilt = NewCatalog("rebuilt");
  const RebuildReport first = Rebuild(*rebuilt);
  EXPECT_TRUE(first.clean()) << ToJson(first).dump(2);
  EXPECT_EQ(first.jobs_in_store, 3u);
  EXPECT_EQ(first.jobs_added, 3u);
  EXPECT_EQ(first.jobs_added_deleted, 1u);
  EXPECT_EQ(first.already_present, 0u);
  EXPECT_EQ(first.images_added, 4u);
  EXPECT_EQ(first.users_added, 2u);
  EXPECT_EQ(first.blobs_listed, 4u * 2 + 3);  // images and thumbnails, one metadata.json per job
  EXPECT_EQ(Dump(*rebuilt), Dump(catalog()));
  EXPECT_EQ(rebuilt->GetUser("bob")->subscription_tier, "pro");
  EXPECT_EQ(rebuilt->GetUser("alice")->subscription_tier, "free");
  EXPECT_EQ(rebuilt->GetUser("alice")->created_at, catalog().GetUser("alice")->created_at);
  auto deleted = rebuilt->GetGeneration("alice", a2, /*include_deleted=*/true);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->deleted_at, std::optional<int64_t>(kStart + 120));
  EXPECT_FALSE(rebuilt->GetGeneration("alice", a2).has_value()) << "still soft-deleted";
  // Favorites live only in the catalog, and the report says so.
  EXPECT_EQ(rebuilt->ListFavorites("alice", {})->items.size(), 0u);
  EXPECT_EQ(ToJson(first)["favorites"], kFavoritesNote);

  // Idempotent: nothing more the second time, and the rebuilt catalog agrees with the store.
  const RebuildReport second = Rebuild(*rebuilt);
  EXPECT_TRUE(second.clean());
  EXPECT_EQ(second.jobs_added, 0u);
  EXPECT_EQ(second.already_present, 3u);
  EXPECT_EQ(second.users_added, 0u);
  EXPECT_EQ(Dump(*rebuilt), Dump(catalog()));
  EXPECT_EQ(Kinds(Fsck(*rebuilt, false)), std::vector<std::string>{});
  // The deleted metadata.json was read (undeleted, read, deleted again) and is still deleted.
  EXPECT_FALSE(blobs().GetProperties(BlobName("alice", a2, "metadata.json")).has_value());
  (void)b1;
}

TEST_F(RebuildTest, RebuildIntoTheLiveCatalogChangesNothing) {
  const std::string a = Upload("alice", "kept");
  ASSERT_TRUE(catalog().UpsertUser({"alice", "alice@x", "Alice", "free", kStart}));
  const auto before = Dump(catalog());
  const RebuildReport report = Rebuild(catalog());
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.already_present, 1u);
  EXPECT_EQ(report.jobs_added, 0u);
  EXPECT_EQ(Dump(catalog()), before);
  EXPECT_EQ(catalog().GetUser("alice")->email, "alice@x") << "existing users are not touched";
  (void)a;
}

TEST_F(RebuildTest, MalformedMetadataIsReportedAndSkipped) {
  const std::string good = Upload("alice", "good");
  const std::string bad_json = Upload("alice", "bad json");
  const std::string other_user = Upload("alice", "claims bob");
  const std::string out_of_range = Upload("alice", "index 9");
  const std::string path_trick = Upload("alice", "path trick");
  const std::string duplicate = Upload("alice", "twice");
  const std::string bad_time = Upload("alice", "bad time");

  PutBlob(BlobName("alice", bad_json, "metadata.json"), "{\"job_id\": ");
  Json doc = Metadata("alice", other_user);
  doc["user_id"] = "bob";
  PutBlob(BlobName("alice", other_user, "metadata.json"), doc.dump());
  doc = Metadata("alice", out_of_range);
  doc["images"][0]["index"] = 9;
  PutBlob(BlobName("alice", out_of_range, "metadata.json"), doc.dump());
  doc = Metadata("alice", path_trick);
  doc["images"][0]["filename"] = "../../bob/" + good + "/image_0.jpg";
  PutBlob(BlobName("alice", path_trick, "metadata.json"), doc.dump());
  doc = Metadata("alice", duplicate);
  doc["images"].push_back(doc["images"][0]);
  PutBlob(BlobName("alice", duplicate, "metadata.json"), doc.dump());
  doc = Metadata("alice", bad_time);
  doc["created_at"] = "yesterday";
  PutBlob(BlobName("alice", bad_time, "metadata.json"), doc.dump());

  auto rebuilt = NewCatalog("rebuilt");
  const RebuildReport report = Rebuild(*rebuilt);
  EXPECT_FALSE(report.clean());
  EXPECT_EQ(report.jobs_added, 1u);
  EXPECT_EQ(report.skipped.size(), 6u) << ToJson(report).dump(2);
  EXPECT_TRUE(Mentions(report.skipped, bad_json, "not valid JSON"));
  EXPECT_TRUE(Mentions(report.skipped, other_user, "not the path's user"));
  EXPECT_TRUE(Mentions(report.skipped, out_of_range, "outside 0..7"));
  EXPECT_TRUE(Mentions(report.skipped, path_trick, "expected image_0.jpg"));
  EXPECT_TRUE(Mentions(report.skipped, duplicate, "twice"));
  EXPECT_TRUE(Mentions(report.skipped, bad_time, "created_at"));
  EXPECT_TRUE(rebuilt->GetGeneration("alice", good).has_value());
  for (const std::string& job : {bad_json, other_user, out_of_range, path_trick, duplicate}) {
    EXPECT_FALSE(rebuilt->GetGeneration("alice", job, true).has_value()) << job;
  }
  EXPECT_FALSE(rebuilt->GetGeneration("bob", good, true).has_value());
}

TEST_F(RebuildTest, MissingBlobsAreLeftOutAndNamed) {
  const std::string two = Upload("alice", "two images");
  Upload("alice", "two images", two, 40);
  const std::string thumbless = Upload("alice", "no thumbnail");
  const std::string imageless = Upload("alice", "no image");
  const std::string no_metadata = Upload("alice", "no metadata");
  Lose(BlobName("alice", two, "image_1.jpg"));
  Lose(BlobName("alice", thumbless, "thumb_image_0.jpg"));
  Lose(BlobName("alice", imageless, "image_0.jpg"));
  Lose(BlobName("alice", no_metadata, "metadata.json"));

  auto rebuilt = NewCatalog("rebuilt");
  const RebuildReport report = Rebuild(*rebuilt);
  EXPECT_FALSE(report.clean());
  EXPECT_EQ(report.jobs_added, 2u) << ToJson(report).dump(2);
  // The job with a lost image comes back with the image that is there.
  auto partial = rebuilt->GetGeneration("alice", two);
  ASSERT_TRUE(partial);
  ASSERT_EQ(partial->images.size(), 1u);
  EXPECT_EQ(partial->images[0].index, 0);
  EXPECT_TRUE(Mentions(report.incomplete, two, "image_1.jpg is missing"));
  // A lost thumbnail keeps its path (fsck will list it as missing) with 0 bytes.
  auto thumb = rebuilt->GetGeneration("alice", thumbless);
  ASSERT_TRUE(thumb);
  EXPECT_EQ(thumb->images[0].thumbnail_bytes, 0u);
  EXPECT_TRUE(Mentions(report.incomplete, thumbless, "thumb_image_0.jpg is missing"));
  EXPECT_TRUE(Mentions(report.skipped, imageless, "no image of the job is stored"));
  EXPECT_TRUE(Mentions(report.skipped, no_metadata, "no metadata.json"));
  // fsck then sees the rest: the left-out image's blobs and the skipped jobs as orphans, the
  // metadata.json that still lists image 1, the lost thumbnail.
  std::vector<std::string> expected = {
      "metadata_mismatch alice/" + two, "missing_blobs alice/" + thumbless,
      "orphan_blobs alice/" + two, "orphan_blobs alice/" + imageless,
      "orphan_blobs alice/" + no_metadata};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Kinds(Fsck(*rebuilt, false)), expected);
}

TEST_F(RebuildTest, UnexpectedNamesAreListedNotUsed) {
  const std::string job = Upload("alice", "real");
  PutBlob("generated/alice/not-a-job-id/metadata.json", "{}");
  PutBlob("generated/al.ice/" + job + "/metadata.json", ReadBlob(BlobName("alice", job, "metadata.json")));
  PutBlob(BlobName("alice", job, "notes.txt"), "hello", "text/plain");
  PutBlob("generated/alice/" + job + "/deeper/image_0.jpg", "x", "image/jpeg");
  PutBlob(BlobName("alice", job, "image_8.jpg"), "x", "image/jpeg");
  auto rebuilt = NewCatalog("rebuilt");
  const RebuildReport report = Rebuild(*rebuilt);
  EXPECT_EQ(report.jobs_added, 1u);
  ASSERT_EQ(report.unexpected.size(), 5u) << ToJson(report).dump(2);
  EXPECT_FALSE(report.clean());
  EXPECT_EQ(rebuilt->GetGeneration("alice", job)->images.size(), 1u);
}

TEST(MetadataParserTest, RoundTripsAndRefusesBadInput) {
  catalog::Generation job;
  job.user_id = "alice";
  job.job_id = NewJobId(1'800'000'000'000);
  job.prompt = "p";
  job.asset_type = "upload";
  job.quality = "medium";
  job.model = "m";
  job.created_at = 1'800'000'123;
  catalog::ImageRecord image;
  image.index = 3;
  image.seed = 7;
  image.blob_path = "generated/alice/" + job.job_id + "/image_3.webp";
  image.bytes = 1234;
  image.width = 10;
  image.height = 20;
  job.images.push_back(image);
  auto parsed = ParseMetadataJson(MetadataJson(job), "alice", job.job_id);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->created_at, job.created_at);
  EXPECT_EQ(parsed->images[0].blob_path, image.blob_path);
  EXPECT_EQ(parsed->images[0].thumbnail_path, "generated/alice/" + job.job_id + "/thumb_image_3.webp");
  EXPECT_EQ(parsed->images[0].content_type, "image/webp");
  EXPECT_FALSE(ParseMetadataJson(MetadataJson(job), "alice", NewJobId(1)).has_value());
  for (const char* text : {"", "[]", "null", "{\"job_id\":1}"}) {
    auto bad = ParseMetadataJson(text, "alice", job.job_id);
    ASSERT_FALSE(bad.has_value()) << text;
    EXPECT_EQ(bad.error().reason, "bad_metadata");
  }
  Json doc = Json::parse(MetadataJson(job));
  for (auto edit : std::vector<std::function<void(Json&)>>{
           [](Json& d) { d["images"][0]["bytes"] = -1; },
           [](Json& d) { d["images"][0]["seed"] = "7"; },
           [](Json& d) { d["images"][0]["filename"] = "image_3.jpg/../../x"; },
           [](Json& d) { d["images"][0]["index"] = 2; },
           [](Json& d) { d["prompt"] = std::string(5000, 'x'); },
           [](Json& d) { d["created_at"] = "2027-02-31T00:00:00Z"; },
           [](Json& d) { d.erase("model"); },
           [](Json& d) {
             for (int i = 0; i < 9; ++i) d["images"].push_back(d["images"][0]);
           }}) {
    Json changed = doc;
    edit(changed);
    EXPECT_FALSE(ParseMetadataJson(changed.dump(), "alice", job.job_id).has_value())
        << changed.dump();
  }
}

}  // namespace
}  // namespace noisett::service::testing
