// Renditions (issue 23) through every path of the real service: an upload is answered with its
// renditions pending; the worker makes AVIF and WebP at each size the image is large enough for,
// stores them beside the image under the image's tags and lists them as <picture> sources; delete,
// restore and purge take them along; fsck is clean with them and drops a lost one from the row;
// catalog.rebuild brings them back from metadata.json; a worker of another instance finishes what
// a crash left pending; a job deleted meanwhile gets no rendition blobs; a source that no longer
// decodes is recorded with none and never tried again.
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "catalog/rendition_column.h"
#include "core/blob_paths.h"
#include "core/metric_names.h"
#include "image/test_images.h"
#include "lifecycle/retention.h"
#include "service/fsck_fixture.h"
#include "service/job_metadata.h"
#include "service/rendition_worker.h"

namespace noisett::service::testing {
namespace {

using Json = nlohmann::json;

class RenditionsTest : public MaintenanceTest {
 protected:
  // A 600x400 upload: boxes 256 and 512 fit it down, 1024 gives its own size, 2048 nothing more.
  std::string UploadPhoto(const std::string& user = "alice") {
    const std::string png = noisett::testing::ToPng(noisett::testing::Textured(600, 400));
    auto out = Try("images.upload", {{"prompt", "renditions"}}, user, png);
    EXPECT_TRUE(out.has_value()) << out.error().ToString();
    if (!out) return "";
    EXPECT_EQ(out->at("image").value("renditions", ""), "pending") << out->dump();
    return out->value("job_id", "");
  }
  RenditionWorker& worker() { return *service().renditions(); }
  catalog::ImageRecord Image(const std::string& job, const std::string& user = "alice") {
    auto row = catalog().GetGeneration(user, job, /*include_deleted=*/true);
    EXPECT_TRUE(row.has_value());
    return row && !row->images.empty() ? row->images[0] : catalog::ImageRecord{};
  }
  std::vector<std::string> RenditionNames(const std::string& job) {
    std::vector<std::string> names;
    for (int size : {256, 512, 1024, 2048}) {
      for (const char* ext : {"avif", "webp"}) {
        names.push_back(RenditionBlobPath("alice", job, 0, size, ext));
      }
    }
    return names;
  }
  std::set<std::string> Readable(const std::vector<std::string>& names) {
    std::set<std::string> out;
    for (const std::string& n : names) {
      if (blobs().Get(n)) out.insert(n.substr(n.rfind('/') + 1));
    }
    return out;
  }
  // "image/avif" -> ["256w", ...] from one history entry's sources.
  static std::vector<std::string> Widths(const Json& image, const std::string& type) {
    std::vector<std::string> widths;
    for (const Json& source : image.at("sources")) {
      if (source.value("type", "") != type) continue;
      std::string srcset = source.value("srcset", "");
      size_t at = 0;
      while (at < srcset.size()) {
        size_t comma = srcset.find(", ", at);
        if (comma == std::string::npos) comma = srcset.size();
        const std::string candidate = srcset.substr(at, comma - at);
        widths.push_back(candidate.substr(candidate.rfind(' ') + 1));
        at = comma + 2;
      }
    }
    return widths;
  }
  Json FirstImage() {
    return Run("history.list", "alice", {{"limit", 1}})["generations"][0]["images"][0];
  }
};

const std::set<std::string> kMade = {"r256_image_0.avif",  "r512_image_0.avif",
                                     "r1024_image_0.avif", "r256_image_0.webp",
                                     "r512_image_0.webp",  "r1024_image_0.webp"};

TEST_F(RenditionsTest, AnUploadIsAnsweredPendingAndListedWithSourcesOnceMade) {
  const std::string job = UploadPhoto();
  Json image = FirstImage();
  EXPECT_EQ(image.value("renditions", ""), "pending");
  ASSERT_EQ(image.at("sources").size(), 1u) << image.dump();  // the JPEG pair only, meanwhile
  EXPECT_EQ(Widths(image, "image/jpeg"), (std::vector<std::string>{"256w", "600w"}));
  EXPECT_TRUE(Readable(RenditionNames(job)).empty());

  EXPECT_EQ(worker().Drain(), 1u);
  EXPECT_EQ(Readable(RenditionNames(job)), kMade);
  image = FirstImage();
  EXPECT_EQ(image.value("renditions", ""), "ready");
  ASSERT_EQ(image.at("sources").size(), 3u) << image.dump();
  EXPECT_EQ(image["sources"][0].value("type", ""), "image/avif");  // the smallest first
  EXPECT_EQ(image["sources"][1].value("type", ""), "image/webp");
  EXPECT_EQ(image["sources"][2].value("type", ""), "image/jpeg");  // the fallback last
  const std::vector<std::string> widths = {"256w", "512w", "600w"};
  EXPECT_EQ(Widths(image, "image/avif"), widths);
  EXPECT_EQ(Widths(image, "image/webp"), widths);

  // Each blob is what its name says, under the image's own tags.
  auto image_props = blobs().GetProperties(BlobName("alice", job, "image_0.jpg"));
  ASSERT_TRUE(image_props);
  for (const std::string& file : kMade) {
    auto blob = blobs().Get(BlobName("alice", job, file));
    ASSERT_TRUE(blob) << file;
    const bool avif = file.ends_with(".avif");
    EXPECT_EQ(blob->properties.content_type, avif ? "image/avif" : "image/webp");
    EXPECT_EQ(blob->bytes.substr(4, 8), avif ? std::string("ftypavif") : blob->bytes.substr(4, 8));
    if (!avif) {
      EXPECT_EQ(blob->bytes.substr(8, 4), "WEBP");
    }
    EXPECT_EQ(blob->properties.tags, image_props->tags) << file;
  }
  EXPECT_EQ(image_props->tags.at(std::string(lifecycle::kBlobKindTag)), "image");

  // metadata.json carries them (what rebuild reads), storage.metrics counts them.
  auto doc = ParseMetadataJson(ReadBlob(MetadataBlobPath("alice", job)), "alice", job);
  ASSERT_TRUE(doc) << doc.error().ToString();
  EXPECT_EQ(doc->images[0].renditions, Image(job).renditions);
  const Json metrics = Run("storage.metrics", "alice", Json::object());
  EXPECT_EQ(metrics.value("total_renditions", 0), 6);
  EXPECT_EQ(metrics.value("rendition_bytes", uint64_t{0}),
            catalog::RenditionBytes(Image(job).renditions));
  EXPECT_EQ(worker().Drain(), 0u);  // nothing twice
}

TEST_F(RenditionsTest, DeleteRestoreAndPurgeTakeThemAlong) {
  const std::string job = UploadPhoto();
  worker().Drain();
  ASSERT_EQ(Readable(RenditionNames(job)), kMade);
  Run("history.delete", "alice", {{"job_id", job}});
  EXPECT_TRUE(Readable(RenditionNames(job)).empty());
  Run("history.restore", "alice", {{"job_id", job}});
  EXPECT_EQ(Readable(RenditionNames(job)), kMade);
  EXPECT_TRUE(Fsck().findings.empty()) << ToJson(Fsck()).dump(2);
  // Another user sees none of it.
  EXPECT_FALSE(Try("history.get", {{"job_id", job}}, "bob").has_value());
}

TEST_F(RenditionsTest, FsckDropsALostRenditionFromTheRowAndIsCleanAfter) {
  const std::string job = UploadPhoto();
  worker().Drain();
  ASSERT_TRUE(Fsck().findings.empty()) << ToJson(Fsck()).dump(2);
  // Lost behind the catalog's back (as FsckTest loses blobs: the local store's folder goes).
  std::filesystem::remove_all(app_->data_dir() + "/blobs/noisett-storage/blobs/" +
                              RenditionBlobPath("alice", job, 0, 512, "avif") + "@");
  FsckReport found = Fsck();
  ASSERT_EQ(Kinds(found), std::vector<std::string>{"missing_blobs alice/" + job}) << ToJson(found);
  EXPECT_NE(found.findings[0].detail.find("r512_image_0.avif"), std::string::npos);
  FsckReport repaired = Fsck(/*repair=*/true);
  ASSERT_EQ(repaired.findings.size(), 1u);
  EXPECT_TRUE(repaired.findings[0].repaired) << ToJson(repaired).dump(2);
  EXPECT_EQ(Image(job).renditions.size(), 5u);
  EXPECT_EQ(Widths(FirstImage(), "image/avif"), (std::vector<std::string>{"256w", "600w"}));
  EXPECT_TRUE(Fsck().findings.empty()) << ToJson(Fsck()).dump(2);  // metadata.json rewritten too
}

TEST_F(RenditionsTest, RebuildBringsThemBackFromMetadata) {
  const std::string job = UploadPhoto();
  const std::string pending = UploadPhoto();  // stays pending: rebuilt as pending
  ASSERT_EQ(worker().Drain(), 2u);
  auto fresh = NewCatalog("rebuilt.db");
  Rebuild(*fresh);
  EXPECT_EQ(Dump(*fresh), Dump(catalog()));
  auto row = fresh->GetGeneration("alice", job);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->images[0].renditions.size(), 6u);
}

TEST_F(RenditionsTest, AnotherInstanceFinishesWhatACrashLeftPending) {
  const std::string job = UploadPhoto();  // queued here, never made: this "instance" died
  RenditionWorker other(
      {blobs(), catalog(), clock_, app_->app().metrics(), image::DefaultRenditionSpecs(), {}});
  EXPECT_EQ(other.SweepPending(/*min_age_s=*/60), 0u);  // too young: still in its queue somewhere
  clock_.Advance(61);
  EXPECT_EQ(other.SweepPending(60), 1u);
  EXPECT_EQ(other.Drain(), 1u);  // from the stored JPEG: no source bytes in this process
  EXPECT_EQ(Image(job).renditions_state, catalog::RenditionState::kReady);
  EXPECT_EQ(Readable(RenditionNames(job)), kMade);
  EXPECT_EQ(other.SweepPending(0), 0u);
}

TEST_F(RenditionsTest, AJobDeletedMeanwhileGetsNoRenditionBlobs) {
  const std::string job = UploadPhoto();
  Run("history.delete", "alice", {{"job_id", job}});
  worker().Drain();
  EXPECT_TRUE(Readable(RenditionNames(job)).empty());
  for (const std::string& name : RenditionNames(job)) {
    EXPECT_FALSE(blobs().GetProperties(name)) << name;  // not even soft-deleted ones
  }
  EXPECT_EQ(Image(job).renditions_state, catalog::RenditionState::kPending);
}

TEST_F(RenditionsTest, ARestoreMakesWhatTheDeleteInterrupted) {
  const std::string job = UploadPhoto();
  Run("history.delete", "alice", {{"job_id", job}});
  worker().Drain();  // the upload's task finds the job gone
  ASSERT_EQ(Image(job).renditions_state, catalog::RenditionState::kPending);
  Run("history.restore", "alice", {{"job_id", job}});
  EXPECT_EQ(worker().queued(), 1u);  // not left to the next sweep, minutes later
  EXPECT_EQ(worker().Drain(), 1u);
  EXPECT_EQ(Image(job).renditions_state, catalog::RenditionState::kReady);
  EXPECT_EQ(Readable(RenditionNames(job)), kMade);
}

// A worker whose store went away after it stored two renditions and before it recorded them
// (its rollback failed too, as in BackendDownTest's Azurite outage) leaves them behind; the image
// stays pending and the next try writes the same names. fsck calls them work in flight, not
// orphans; once the image is settled without them, they are orphans again.
TEST_F(RenditionsTest, APendingImagesStoredRenditionsAreInFlightNotOrphans) {
  const std::string job = UploadPhoto();
  PutBlob(RenditionBlobPath("alice", job, 0, 256, "avif"), "left by a failed rollback",
          "image/avif");
  PutBlob(RenditionBlobPath("alice", job, 0, 256, "webp"), "left by a failed rollback",
          "image/webp");
  clock_.Advance(7200);  // old enough for --repair: still nothing to repair
  EXPECT_TRUE(Fsck(/*repair=*/true).findings.empty()) << ToJson(Fsck()).dump(2);
  EXPECT_EQ(Readable(RenditionNames(job)).size(), 2u);  // kept for the worker

  // Settled without renditions (straight in the catalog: metadata.json, still saying pending, is
  // a finding of its own here).
  ASSERT_TRUE(catalog().SetRenditions("alice", job, 0, {}));
  const FsckReport found = Fsck();
  const auto orphans = std::find_if(found.findings.begin(), found.findings.end(), [](auto& f) {
    return f.kind == FindingKind::kOrphanBlobs;
  });
  ASSERT_NE(orphans, found.findings.end()) << ToJson(found).dump(2);
  EXPECT_NE(orphans->detail.find("r256_image_0.avif, r256_image_0.webp"), std::string::npos);
}

TEST_F(RenditionsTest, ASourceThatNoLongerDecodesIsRecordedWithNone) {
  const std::string job = UploadPhoto();
  PutBlob(ImageBlobPath("alice", job, 0, "jpg"), "not a jpeg at all", "image/jpeg");
  RenditionWorker other(
      {blobs(), catalog(), clock_, app_->app().metrics(), image::DefaultRenditionSpecs(), {}});
  clock_.Advance(600);
  ASSERT_EQ(other.SweepPending(), 1u);
  EXPECT_EQ(other.Drain(), 0u);
  EXPECT_EQ(Image(job).renditions_state, catalog::RenditionState::kReady);
  EXPECT_TRUE(Image(job).renditions.empty());
  EXPECT_EQ(other.SweepPending(0), 0u);  // never tried again
  EXPECT_GE(app_->app().metrics().Value(metrics::names::kRenditions, {{"result", "failed"}}), 1.0);
}

TEST_F(RenditionsTest, RenditionsOffStoresImagesWithNone) {
  noisett::testing::TestAppOptions options;
  options.settings = {{"--renditions", "none"}};
  ASSERT_TRUE(Start(options));
  EXPECT_EQ(service().renditions(), nullptr);
  const std::string png = noisett::testing::ToPng(noisett::testing::Textured(600, 400));
  auto out = Try("images.upload", {{"prompt", "off"}}, "alice", png);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->at("image").value("renditions", ""), "none");
  EXPECT_EQ(FirstImage().at("sources").size(), 1u);
}

}  // namespace
}  // namespace noisett::service::testing
