// catalog.rebuild, and the blobs-to-row rule it shares with fsck.
#include "service/rebuild.h"

#include <algorithm>
#include <map>
#include <optional>

#include "service/job_blobs.h"
#include "service/job_metadata.h"

namespace noisett::service {
namespace {

std::string FileOf(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// Checks one image (and its thumbnail) against the listing; "" when whole, else what is wrong.
// Fills thumbnail_bytes from the listing when the thumbnail is there.
std::string CheckImage(const StoredJob& stored, catalog::ImageRecord& image, bool strict,
                       bool* drop) {
  *drop = false;
  const StoredBlob* blob = stored.Find(FileOf(image.blob_path));
  if (blob == nullptr) {
    *drop = true;
    return FileOf(image.blob_path) + " is missing";
  }
  if (blob->size != image.bytes) {
    *drop = true;
    return FileOf(image.blob_path) + " has " + std::to_string(blob->size) +
           " bytes, metadata.json says " + std::to_string(image.bytes);
  }
  if (strict && blob->deleted) return FileOf(image.blob_path) + " is soft-deleted";
  const StoredBlob* thumb = stored.Find(FileOf(image.thumbnail_path));
  if (thumb == nullptr) return FileOf(image.thumbnail_path) + " is missing";
  if (strict && thumb->deleted) return FileOf(image.thumbnail_path) + " is soft-deleted";
  image.thumbnail_bytes = thumb->size;
  // Renditions are made again from the image, never needed to prove it: one that is missing or
  // of another size is left out of the row rather than failing the image.
  std::erase_if(image.renditions, [&](const catalog::Rendition& r) {
    const StoredBlob* b = stored.Find(FileOf(RenditionPath(image, r)));
    return b == nullptr || b->size != r.bytes || (strict && b->deleted);
  });
  return "";
}

std::string TierOf(const StoredJob& stored) {
  const StoredBlob* meta = stored.Metadata();
  if (meta != nullptr && !meta->tier_tag.empty()) return meta->tier_tag;
  for (const StoredBlob& b : stored.blobs) {
    if (!b.tier_tag.empty()) return b.tier_tag;
  }
  return "free";
}

Unexpected NotProven(const std::vector<std::string>& problems) {
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "; ") + p;
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "not_proven", message));
}

struct UserSeen {
  std::string tier;
  int64_t first_job = 0;
};

// Adds one job folder the catalog does not hold; the inserted job's created_at, or nullopt when
// it was skipped.
Result<std::optional<int64_t>> RebuildJob(storage::BlobStore& blobs, catalog::Catalog& catalog,
                        const StoredJob& stored, RebuildReport& report) {
  auto skip = [&](const std::string& reason) -> Result<std::optional<int64_t>> {
    report.skipped.push_back({stored.user_id, stored.job_id, reason});
    return std::optional<int64_t>();
  };
  const StoredBlob* meta = stored.Metadata();
  if (meta == nullptr) return skip("no metadata.json (an upload that never finished?)");
  auto text = ReadMetadataBlob(blobs, *meta);
  if (!text) return skip("metadata.json unreadable: " + text.error().ToString());
  auto built = JobFromBlobs(stored, *text, /*strict=*/false);
  if (!built) return skip("metadata.json: " + built.error().ToString());
  if (auto ok = catalog.InsertGeneration(built->job); !ok) {
    if (ok.error().code == ErrorCode::kUnavailable) return Unexpected(ok.error());
    return skip("catalog refused the row: " + ok.error().ToString());
  }
  if (!built->dropped.empty()) {
    std::string what;
    for (const std::string& d : built->dropped) what += (what.empty() ? "" : "; ") + d;
    report.incomplete.push_back({stored.user_id, stored.job_id, what});
  }
  ++report.jobs_added;
  if (built->job.deleted_at) ++report.jobs_added_deleted;
  report.images_added += built->job.images.size();
  return std::optional<int64_t>(built->job.created_at);
}

// A user row for everyone who owns a job; an existing row (tier, email, name) is never touched.
Status EnsureUsers(catalog::Catalog& catalog, const std::map<std::string, UserSeen>& users,
                   RebuildReport& report) {
  for (const auto& [user_id, seen] : users) {
    ++report.users_seen;
    auto added = AddUserIfMissing(catalog, user_id, seen.tier, seen.first_job);
    if (!added) return Unexpected(added.error());
    if (*added) ++report.users_added;
  }
  return Ok();
}

}  // namespace

Result<bool> AddUserIfMissing(catalog::Catalog& catalog, const std::string& user_id,
                              const std::string& tier, int64_t created_at) {
  auto existing = catalog.GetUser(user_id);
  if (existing) return false;
  if (existing.error().code != ErrorCode::kNotFound) return Unexpected(existing.error());
  if (auto ok = catalog.UpsertUser({user_id, "", "", tier, created_at}); !ok) {
    return Unexpected(ok.error());
  }
  return true;
}

Result<BuiltJob> JobFromBlobs(const StoredJob& stored, std::string_view metadata_text,
                              bool strict) {
  auto parsed = ParseMetadataJson(metadata_text, stored.user_id, stored.job_id);
  if (!parsed) return Unexpected(parsed.error());
  BuiltJob built;
  built.job = std::move(*parsed);
  built.tier = TierOf(stored);
  const StoredBlob* meta = stored.Metadata();
  if (meta != nullptr && meta->deleted) built.job.deleted_at = meta->deleted_at;
  if (strict && (meta == nullptr || meta->deleted)) {
    return NotProven({"metadata.json is not live"});
  }
  std::vector<catalog::ImageRecord> kept;
  std::vector<std::string> problems;
  for (catalog::ImageRecord& image : built.job.images) {
    bool drop = false;
    std::string problem = CheckImage(stored, image, strict, &drop);
    if (!problem.empty()) {
      problems.push_back(problem + (drop ? " (image " + std::to_string(image.index) + " left out)"
                                         : ""));
    }
    if (!drop) kept.push_back(std::move(image));
  }
  if (strict && !problems.empty()) return NotProven(problems);
  if (kept.empty()) {
    std::string message = "no image of the job is stored";
    for (const std::string& p : problems) message += "; " + p;
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "no_images", message));
  }
  built.job.images = std::move(kept);
  built.dropped = std::move(problems);
  return built;
}

Result<RebuildReport> RebuildCatalog(storage::BlobStore& blobs, catalog::Catalog& catalog,
                                     const ScanProgress& progress) {
  auto scan = ScanStore(blobs, progress);
  if (!scan) return Unexpected(scan.error());
  RebuildReport report;
  report.blobs_listed = scan->blobs_listed;
  report.jobs_in_store = scan->jobs.size();
  report.unexpected = std::move(scan->unexpected);
  if (progress.start) progress.start(scan->jobs.size());
  std::map<std::string, UserSeen> users;
  for (const StoredJob& stored : scan->jobs) {
    auto present = catalog.GetGeneration(stored.user_id, stored.job_id, /*include_deleted=*/true);
    std::optional<int64_t> created;
    if (present) {
      ++report.already_present;
      created = present->created_at;
    } else if (present.error().code != ErrorCode::kNotFound) {
      return Unexpected(present.error());
    } else {
      auto added = RebuildJob(blobs, catalog, stored, report);
      if (!added) return Unexpected(added.error());
      created = *added;
    }
    if (created) {
      UserSeen& seen = users[stored.user_id];
      if (seen.tier.empty()) seen.tier = TierOf(stored);
      if (seen.first_job == 0 || *created < seen.first_job) seen.first_job = *created;
    }
    if (progress.step) progress.step(stored.user_id + "/" + stored.job_id);
  }
  if (auto ok = EnsureUsers(catalog, users, report); !ok) return Unexpected(ok.error());
  return report;
}

nlohmann::json ToJson(const RebuildReport& r) {
  auto notes = [](const std::vector<JobNote>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const JobNote& n : list) {
      out.push_back({{"user_id", n.user_id}, {"job_id", n.job_id}, {"reason", n.reason}});
    }
    return out;
  };
  nlohmann::json unexpected = nlohmann::json::array();
  for (const UnexpectedBlob& u : r.unexpected) {
    unexpected.push_back({{"name", u.name}, {"reason", u.reason}});
  }
  return {{"blobs_listed", r.blobs_listed},
          {"jobs_in_store", r.jobs_in_store},
          {"jobs_added", r.jobs_added},
          {"jobs_added_deleted", r.jobs_added_deleted},
          {"already_present", r.already_present},
          {"images_added", r.images_added},
          {"users_seen", r.users_seen},
          {"users_added", r.users_added},
          {"skipped", notes(r.skipped)},
          {"incomplete", notes(r.incomplete)},
          {"unexpected", std::move(unexpected)},
          {"clean", r.clean()},
          {"favorites", kFavoritesNote}};
}

}  // namespace noisett::service
