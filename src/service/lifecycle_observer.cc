// The catalog side of a lifecycle pass.
#include "service/lifecycle_observer.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/blob_paths.h"
#include "core/ids.h"
#include "core/text.h"
#include "lifecycle/retention.h"
#include "service/job_blobs.h"
#include "service/job_metadata.h"
#include "service/store_scan.h"

namespace noisett::service {
namespace {

bool IsNotFound(const Status& s) { return !s && s.error().code == ErrorCode::kNotFound; }

// "image_3.jpg" -> 3; thumbnails and metadata.json have none.
std::optional<int> ImageIndexOf(std::string_view file) {
  if (file.size() < 8 || file.substr(0, 6) != "image_") return std::nullopt;
  const char digit = file[6];
  if (digit < '0' || digit >= char('0' + catalog::kMaxImagesPerJob)) return std::nullopt;
  return digit - '0';
}

}  // namespace

std::optional<JobBlobName> ParseJobBlobName(std::string_view name) {
  constexpr std::string_view kRoot = "generated/";
  if (name.substr(0, kRoot.size()) != kRoot) return std::nullopt;
  std::string_view rest = name.substr(kRoot.size());
  const size_t slash1 = rest.find('/');
  if (slash1 == std::string_view::npos) return std::nullopt;
  const size_t slash2 = rest.find('/', slash1 + 1);
  if (slash2 == std::string_view::npos) return std::nullopt;
  JobBlobName parsed;
  parsed.user_id = std::string(rest.substr(0, slash1));
  parsed.job_id = std::string(rest.substr(slash1 + 1, slash2 - slash1 - 1));
  parsed.file = std::string(rest.substr(slash2 + 1));
  if (!IsValidUserId(parsed.user_id) || !IsValidJobId(parsed.job_id) ||
      !IsJobFileName(parsed.file)) {
    return std::nullopt;
  }
  parsed.image_index = ImageIndexOf(parsed.file);
  return parsed;
}

std::string CatalogTierName(storage::AccessTier tier) {
  return AsciiLowercase(storage::AccessTierName(tier));
}

void CatalogSweepObserver::Fail(const std::string& user, const std::string& job,
                                const Error& error) {
  errors_.push_back(user + "/" + job + ": " + error.ToString());
}

void CatalogSweepObserver::OnTierChanged(std::string_view name, storage::AccessTier tier) {
  auto blob = ParseJobBlobName(name);
  if (!blob || !blob->image_index) return;
  auto ok = deps_.catalog.SetImageTier(blob->user_id, blob->job_id, *blob->image_index,
                                       CatalogTierName(tier));
  // No row: a blob the catalog does not know (fsck's business, not the sweeper's).
  if (!ok && !IsNotFound(ok)) Fail(blob->user_id, blob->job_id, ok.error());
}

void CatalogSweepObserver::OnDeleted(std::string_view name, int64_t now) {
  auto blob = ParseJobBlobName(name);
  if (!blob) return;
  if (pending_ && (pending_->user_id != blob->user_id || pending_->job_id != blob->job_id)) {
    Finish();
  }
  if (!pending_) pending_ = PendingJob{blob->user_id, blob->job_id, {}, false, now};
  if (blob->image_index) pending_->deleted_images.insert(*blob->image_index);
  if (blob->file == "metadata.json") pending_->metadata_deleted = true;
}

void CatalogSweepObserver::Finish() {
  if (!pending_) return;
  const PendingJob job = std::move(*pending_);
  pending_.reset();
  Settle(job);
}

bool CatalogSweepObserver::ImageBlobLive(const catalog::ImageRecord& image) {
  // Archived or not, a blob with properties is still there; only NotFound means gone.
  auto props = deps_.blobs.GetProperties(image.blob_path);
  return props || props.error().code != ErrorCode::kNotFound;
}

void CatalogSweepObserver::Settle(const PendingJob& pending) {
  auto job = deps_.catalog.GetGeneration(pending.user_id, pending.job_id, true);
  if (!job) {
    if (job.error().code != ErrorCode::kNotFound) {
      Fail(pending.user_id, pending.job_id, job.error());
    }
    return;
  }
  if (job->deleted_at) return;  // deleted by its owner already: the blobs follow its window
  const bool any_left = std::any_of(
      job->images.begin(), job->images.end(), [&](const catalog::ImageRecord& image) {
        return pending.deleted_images.count(image.index) == 0 && ImageBlobLive(image);
      });
  if (any_left) {
    RemoveImages(pending, *job);
    return;
  }
  // The last images went: the job goes as a whole, restorable like a history.delete.
  if (auto ok = deps_.catalog.SoftDeleteGeneration(pending.user_id, pending.job_id, pending.now);
      !ok) {
    Fail(pending.user_id, pending.job_id, ok.error());
    return;
  }
  if (auto ok = DeleteJobBlobs(deps_.blobs, *job); !ok) {
    Fail(pending.user_id, pending.job_id, ok.error());
  }
}

void CatalogSweepObserver::RemoveImages(const PendingJob& pending, const catalog::Generation& job) {
  bool changed = pending.metadata_deleted;
  for (const catalog::ImageRecord& image : job.images) {
    if (pending.deleted_images.count(image.index) == 0) continue;
    auto left = deps_.catalog.RemoveImage(pending.user_id, pending.job_id, image.index);
    if (!left && left.error().code != ErrorCode::kNotFound) {
      Fail(pending.user_id, pending.job_id, left.error());
      continue;
    }
    changed = true;
    // Its thumbnail is as old and normally went in the same pass; if not, it goes now.
    if (auto ok = deps_.blobs.Delete(image.thumbnail_path); !ok && !IsNotFound(ok)) {
      Fail(pending.user_id, pending.job_id, ok.error());
    }
  }
  if (changed) RewriteMetadata(pending);
}

// metadata.json describes the images the job still has (catalog.rebuild trusts it), with the
// job's subscription_tier tag kept so retention keeps applying to it, and never blob_kind, so
// tier-to-archive leaves it online (an image's tags carry it: it is dropped when copying them).
void CatalogSweepObserver::RewriteMetadata(const PendingJob& pending) {
  auto row = deps_.catalog.GetGeneration(pending.user_id, pending.job_id);
  if (!row) return;  // deleted meanwhile: its blobs go with it
  const std::string path = MetadataBlobPath(pending.user_id, pending.job_id);
  storage::Tags tags;
  auto old = deps_.blobs.GetProperties(path);
  if (old) {
    tags = old->tags;
    // Archived by a policy from before blob_kind: an archived blob cannot be overwritten, so
    // bring it online first (locally at once).
    if (old->tier == storage::AccessTier::kArchive) {
      if (auto ok = deps_.blobs.SetTier(path, storage::AccessTier::kHot); !ok) {
        Fail(pending.user_id, pending.job_id, ok.error());
        return;
      }
    }
  } else {
    for (const catalog::ImageRecord& image : row->images) {
      if (auto props = deps_.blobs.GetProperties(image.blob_path)) {
        tags = props->tags;
        break;
      }
    }
  }
  const storage::PutOptions put = MetadataPutOptions(std::move(tags));
  auto written = deps_.blobs.Put(path, MetadataJson(*row), put);
  if (!written) Fail(pending.user_id, pending.job_id, written.error());
}

void CatalogSweepObserver::OnPurged(const std::vector<std::string>& names) {
  Finish();
  std::map<std::pair<std::string, std::string>, std::set<std::string>> jobs;
  for (const std::string& name : names) {
    if (auto blob = ParseJobBlobName(name)) jobs[{blob->user_id, blob->job_id}].insert(name);
  }
  const int64_t now = deps_.clock.NowSeconds();
  for (const auto& entry : jobs) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::set<std::string>& purged = entry.second;
    const auto& [user, job_id] = entry.first;
    auto job = deps_.catalog.GetGeneration(user, job_id, true);
    if (!job || !job->deleted_at) continue;
    // Only a job that can no longer be restored, and whose own blobs went: blobs of images
    // removed from it earlier (and a soft-delete still inside its window) leave the row alone.
    if (now < *job->deleted_at + deps_.soft_delete_days * 86400) continue;
    const std::vector<std::string> own = JobBlobPaths(*job);
    if (std::none_of(own.begin(), own.end(),
                     [&](const std::string& path) { return purged.count(path) > 0; })) {
      continue;
    }
    if (auto ok = deps_.catalog.PurgeGeneration(user, job_id); !ok && !IsNotFound(ok)) {
      Fail(user, job_id, ok.error());
    }
  }
}

}  // namespace noisett::service
