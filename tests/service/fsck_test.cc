// fsck against the real service's blobs: clean after ordinary uploads, deletes and restores; each
// finding kind produced by really causing it (a blob lost behind the catalog's back, a row without
// blobs, blobs without a row as a crash between upload steps leaves them, an edited metadata.json,
// delete/restore state that disagrees); --repair fixes what it promises, respects the grace
// period, and a second fsck is clean.
#include <atomic>
#include <filesystem>
#include <thread>

#include "core/blob_paths.h"
#include "core/ids.h"
#include "service/fsck_fixture.h"
#include "service/job_metadata.h"

namespace noisett::service::testing {
namespace {

using Json = nlohmann::json;
using Kinds_t = std::vector<std::string>;

class FsckTest : public MaintenanceTest {
 protected:
  void Lose(const std::string& name) {
    std::filesystem::remove_all(app_->data_dir() + "/blobs/noisett-storage/blobs/" + name + "@");
  }
  const Finding* Only(const FsckReport& r) {
    EXPECT_EQ(r.findings.size(), 1u) << ToJson(r).dump(2);
    return r.findings.empty() ? nullptr : &r.findings[0];
  }
};

// `noisett fsck --repair` beside a live server on the same local store (issue 24): every run opens
// the store, whose clean-up used to remove the server's writes in flight, and then repairs. Here a
// second App on the same data dir (its own store and catalog, as another process would have)
// loops over open + fsck --repair while uploads run. The ManualClock stands after the files' real
// times, so only the store's locks protect the writes in flight (not the temp-file age).
TEST_F(FsckTest, RepairLoopBesideUploadsRemovesNothingAcknowledged) {
  std::atomic<bool> stop{false};
  std::atomic<int> runs{0}, failed_runs{0};
  std::thread fsck_loop([&] {
    app::AppOptions options;
    options.clock = &clock_;
    while (!stop.load()) {
      auto other = app::App::Open(app_->config(), options);
      if (!other) {
        ++failed_runs;
        continue;
      }
      FsckOptions fsck;
      fsck.repair = true;
      if (!RunFsck((*other)->blobs(), (*other)->catalog(), clock_, fsck)) ++failed_runs;
      ++runs;
    }
  });
  std::vector<std::string> jobs;
  for (int i = 0; i < 30; ++i) {
    // New jobs, and images added to existing ones (their metadata.json rewritten each time).
    const std::string into = i % 3 == 2 ? jobs[jobs.size() - 1] : "";
    const std::string job = Upload("alice", "beside fsck", into, 40 + i);
    if (into.empty() && !job.empty()) jobs.push_back(job);
  }
  stop = true;
  fsck_loop.join();
  EXPECT_GT(runs.load(), 0);
  EXPECT_EQ(failed_runs.load(), 0);
  const FsckReport after = Fsck();
  EXPECT_TRUE(after.findings.empty()) << ToJson(after).dump(2);
  for (const std::string& job : jobs) {
    auto row = catalog().GetGeneration("alice", job);
    ASSERT_TRUE(row) << job;
    for (const catalog::ImageRecord& image : row->images) {
      EXPECT_FALSE(ReadBlob(image.blob_path).empty()) << image.blob_path;
      EXPECT_FALSE(ReadBlob(image.thumbnail_path).empty()) << image.thumbnail_path;
    }
  }
}

TEST_F(FsckTest, CleanAfterUploadsDeletesAndRestores) {
  const std::string a = Upload("alice", "one");
  Upload("alice", "one", a, 40);
  const std::string b = Upload("alice", "two");
  const std::string c = Upload("bob", "three");
  clock_.Advance(60);
  Run("history.delete", "alice", {{"job_id", a}});
  Run("history.delete", "bob", {{"job_id", c}});
  clock_.Advance(60);
  Run("history.restore", "alice", {{"job_id", a}});
  Run("history.favorite", "alice", {{"job_id", b}, {"image_index", 0}});
  const FsckReport report = Fsck();
  EXPECT_EQ(Kinds(report), Kinds_t{}) << ToJson(report).dump(2);
  EXPECT_EQ(report.rows_scanned, 3u);
  EXPECT_EQ(report.jobs_in_store, 3u);
  EXPECT_EQ(ToJson(report)["clean"], true);
  // Past the restore window a deleted row is not checked (the store may purge its blobs).
  clock_.Advance(8 * 86400);
  EXPECT_EQ(Fsck().deleted_rows_expired, 1u);
}

TEST_F(FsckTest, LostBlobAndRowWithoutBlobsAreMissingBlobsAndNotRepaired) {
  const std::string a = Upload("alice", "lost thumbnail");
  Lose(BlobName("alice", a, "thumb_image_0.jpg"));
  catalog::Generation ghost;
  ghost.user_id = "bob";
  ghost.job_id = NewJobId(1'800'000'000'000);
  ghost.prompt = "never stored";
  ghost.created_at = kStart;
  catalog::ImageRecord image;
  image.blob_path = ImageBlobPath("bob", ghost.job_id, 0);
  image.thumbnail_path = ThumbnailBlobPath("bob", ghost.job_id, 0);
  image.bytes = 10;
  ghost.images.push_back(image);
  ASSERT_TRUE(catalog().InsertGeneration(ghost));

  const FsckReport report = Fsck();
  EXPECT_EQ(Kinds(report), (Kinds_t{"missing_blobs alice/" + a, "missing_blobs bob/" + ghost.job_id}));
  for (const Finding& f : report.findings) {
    if (f.job_id == a) {
      EXPECT_EQ(f.detail, "missing: thumb_image_0.jpg");
    } else {
      EXPECT_EQ(f.detail, "missing: image_0.jpg, thumb_image_0.jpg, metadata.json");
    }
  }
  clock_.Advance(7200);
  const FsckReport repaired = Fsck(/*repair=*/true);
  EXPECT_EQ(repaired.Unrepaired(), 2u);
  EXPECT_NE(repaired.findings[0].action.find("not repaired"), std::string::npos);
  EXPECT_TRUE(catalog().GetGeneration("bob", ghost.job_id).has_value()) << "rows are kept";
}

TEST_F(FsckTest, OrphanOfACrashIsReAddedAfterTheGracePeriod) {
  const std::string a = Upload("alice", "crash before the row");
  Upload("alice", "crash before the row", a, 40);
  const auto before = Dump(catalog());
  // A crash between the blob writes and the catalog row: the blobs without the row.
  ASSERT_TRUE(catalog().PurgeGeneration("alice", a));
  clock_.Advance(600);

  const FsckReport found = Fsck();
  const Finding* f = Only(found);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, FindingKind::kOrphanBlobs);
  EXPECT_EQ(f->age_s, 600);
  // Younger than the grace period: an upload may be in flight, so nothing happens.
  const FsckReport young = Fsck(/*repair=*/true, /*grace_s=*/3600);
  ASSERT_EQ(young.findings.size(), 1u);
  EXPECT_FALSE(young.findings[0].repaired);
  EXPECT_NE(young.findings[0].action.find("younger than the grace period"), std::string::npos);
  EXPECT_FALSE(catalog().GetGeneration("alice", a).has_value());

  clock_.Advance(3000);
  const FsckReport repaired = Fsck(/*repair=*/true, 3600);
  ASSERT_EQ(repaired.findings.size(), 1u);
  EXPECT_TRUE(repaired.findings[0].repaired) << repaired.findings[0].action;
  EXPECT_NE(repaired.findings[0].action.find("re-added"), std::string::npos);
  EXPECT_EQ(Dump(catalog()), before) << "the row metadata.json proves is the one that was lost";
  EXPECT_EQ(Kinds(Fsck()), Kinds_t{});
}

TEST_F(FsckTest, OrphanThatIsNotAFinishedUploadIsDeleted) {
  const std::string no_thumb = Upload("alice", "thumbnail never written");
  const std::string bad_meta = Upload("alice", "metadata garbled");
  const std::string wrong_size = Upload("alice", "image of another size");
  for (const std::string& job : {no_thumb, bad_meta, wrong_size}) {
    ASSERT_TRUE(catalog().PurgeGeneration("alice", job));
  }
  Lose(BlobName("alice", no_thumb, "thumb_image_0.jpg"));
  PutBlob(BlobName("alice", bad_meta, "metadata.json"), "{not json");
  PutBlob(BlobName("alice", wrong_size, "image_0.jpg"), "short", "image/jpeg");
  clock_.Advance(7200);
  const FsckReport repaired = Fsck(/*repair=*/true);
  ASSERT_EQ(repaired.findings.size(), 3u) << ToJson(repaired).dump(2);
  for (const Finding& f : repaired.findings) {
    EXPECT_EQ(f.kind, FindingKind::kOrphanBlobs);
    EXPECT_TRUE(f.repaired) << f.action;
    EXPECT_NE(f.action.find("deleted"), std::string::npos) << f.action;
  }
  EXPECT_NE(repaired.findings[0].action.find("thumb_image_0.jpg is missing"), std::string::npos);
  const FsckReport again = Fsck();
  EXPECT_EQ(Kinds(again), Kinds_t{});
  EXPECT_EQ(again.deleted_orphans, 3u) << "soft-deleted, left to the store's retention";
  for (const std::string& job : {no_thumb, bad_meta, wrong_size}) {
    EXPECT_FALSE(catalog().GetGeneration("alice", job, true).has_value());
  }
}

TEST_F(FsckTest, BlobsTheRowDoesNotReferenceAreOrphans) {
  const std::string a = Upload("alice", "an image never added");
  PutBlob(BlobName("alice", a, "image_5.jpg"), "jpeg bytes", "image/jpeg");
  clock_.Advance(30);
  const FsckReport found = Fsck();
  const Finding* f = Only(found);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, FindingKind::kOrphanBlobs);
  EXPECT_EQ(f->job_id, a);
  EXPECT_NE(f->detail.find("image_5.jpg"), std::string::npos);
  EXPECT_FALSE(Fsck(true, 60).findings[0].repaired);
  clock_.Advance(60);
  EXPECT_TRUE(Fsck(true, 60).findings[0].repaired);
  EXPECT_FALSE(blobs().GetProperties(BlobName("alice", a, "image_5.jpg")).has_value());
  EXPECT_TRUE(blobs().GetProperties(BlobName("alice", a, "image_0.jpg")).has_value());
  EXPECT_EQ(Kinds(Fsck()), Kinds_t{});
}

TEST_F(FsckTest, EditedMetadataIsRewrittenFromTheRow) {
  const std::string edited = Upload("alice", "the real prompt");
  const std::string extra_image = Upload("alice", "crash before AddImage");
  const std::string unreadable = Upload("bob", "garbled");
  const std::string original = ReadBlob(BlobName("alice", edited, "metadata.json"));
  Json doc = Json::parse(original);
  doc["prompt"] = "tampered";
  doc["images"][0]["bytes"] = 1;
  PutBlob(BlobName("alice", edited, "metadata.json"), doc.dump());
  doc = Json::parse(ReadBlob(BlobName("alice", extra_image, "metadata.json")));
  doc["images"].push_back(doc["images"][0]);
  doc["images"][1]["index"] = 1;
  doc["images"][1]["filename"] = "image_1.jpg";
  PutBlob(BlobName("alice", extra_image, "metadata.json"), doc.dump());
  PutBlob(BlobName("bob", unreadable, "metadata.json"), "[1,2");

  const FsckReport found = Fsck();
  EXPECT_EQ(Kinds(found), (Kinds_t{"metadata_mismatch alice/" + edited,
                                   "metadata_mismatch alice/" + extra_image,
                                   "metadata_mismatch bob/" + unreadable}));
  for (const Finding& f : found.findings) {
    if (f.job_id == edited) {
      EXPECT_NE(f.detail.find("prompt differs"), std::string::npos) << f.detail;
      EXPECT_NE(f.detail.find("image 0 differs"), std::string::npos) << f.detail;
    }
    if (f.job_id == extra_image) {
      EXPECT_NE(f.detail.find("image 1 is in metadata.json only"), std::string::npos) << f.detail;
    }
    if (f.job_id == unreadable) {
      EXPECT_NE(f.detail.find("not valid JSON"), std::string::npos) << f.detail;
    }
  }
  EXPECT_EQ(Fsck(true).Unrepaired(), 3u) << "younger than the grace period";
  clock_.Advance(3600);
  const FsckReport repaired = Fsck(true);
  EXPECT_EQ(repaired.Unrepaired(), 0u) << ToJson(repaired).dump(2);
  EXPECT_EQ(ReadBlob(BlobName("alice", edited, "metadata.json")), original);
  EXPECT_EQ(ReadBlob(BlobName("bob", unreadable, "metadata.json")),
            MetadataJson(*catalog().GetGeneration("bob", unreadable)));
  EXPECT_EQ(Kinds(Fsck()), Kinds_t{});
}

TEST_F(FsckTest, SoftDeleteDisagreementsFollowTheRow) {
  const std::string live_row = Upload("alice", "row live, blobs deleted");
  const std::string deleted_row = Upload("alice", "row deleted, blobs live");
  // A delete and a restore that raced: each side finished a different half.
  auto row = catalog().GetGeneration("alice", live_row);
  ASSERT_TRUE(row);
  for (const catalog::ImageRecord& i : row->images) {
    ASSERT_TRUE(blobs().Delete(i.blob_path));
    ASSERT_TRUE(blobs().Delete(i.thumbnail_path));
  }
  ASSERT_TRUE(blobs().Delete(MetadataBlobPath("alice", live_row)));
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", deleted_row, clock_.NowSeconds()));
  clock_.Advance(120);

  const FsckReport found = Fsck();
  EXPECT_EQ(Kinds(found), (Kinds_t{"blobs_deleted_row_live alice/" + live_row,
                                   "row_deleted_blobs_live alice/" + deleted_row}));
  for (const Finding& f : found.findings) EXPECT_EQ(f.age_s, 120);
  EXPECT_EQ(Fsck(true, 3600).Unrepaired(), 2u) << "inside the grace period";
  const FsckReport repaired = Fsck(true, 60);
  EXPECT_EQ(repaired.Unrepaired(), 0u) << ToJson(repaired).dump(2);
  EXPECT_TRUE(blobs().GetProperties(row->images[0].blob_path).has_value());
  EXPECT_TRUE(blobs().GetProperties(MetadataBlobPath("alice", live_row)).has_value());
  EXPECT_FALSE(blobs().GetProperties(MetadataBlobPath("alice", deleted_row)).has_value());
  EXPECT_EQ(Kinds(Fsck()), Kinds_t{});
  // The job whose blobs came back is whole for its owner again.
  EXPECT_EQ(Run("history.get", "alice", {{"job_id", live_row}}).value("job_id", ""), live_row);
}

TEST_F(FsckTest, UnexpectedNamesAreReportedAndNeverTouched) {
  Upload("alice", "fine");
  PutBlob("generated/alice/not-a-job-id/image_0.jpg", "x", "image/jpeg");
  clock_.Advance(7200);
  const FsckReport repaired = Fsck(true);
  const Finding* f = Only(repaired);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, FindingKind::kUnexpectedBlob);
  EXPECT_FALSE(f->repaired);
  EXPECT_TRUE(blobs().GetProperties("generated/alice/not-a-job-id/image_0.jpg").has_value());
}

TEST_F(FsckTest, RebuildThenFsckAgreeAfterTheCatalogIsLost) {
  Upload("alice", "one");
  const std::string gone = Upload("alice", "two");
  Upload("bob", "three");
  clock_.Advance(5);
  Run("history.delete", "alice", {{"job_id", gone}});
  auto empty = NewCatalog("empty");
  // Everything is an orphan to an empty catalog; the deleted job is only counted.
  const FsckReport orphans = Fsck(*empty, false);
  EXPECT_EQ(orphans.findings.size(), 2u);
  EXPECT_EQ(orphans.deleted_orphans, 1u);
  const RebuildReport rebuilt = Rebuild(*empty);
  EXPECT_EQ(rebuilt.jobs_added, 3u);
  EXPECT_EQ(Kinds(Fsck(*empty, false)), Kinds_t{});
  EXPECT_EQ(Dump(*empty), Dump(catalog()));
}

}  // namespace
}  // namespace noisett::service::testing
