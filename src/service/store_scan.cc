// Listing generated/ and grouping it into jobs.
#include "service/store_scan.h"

#include <algorithm>
#include <map>

#include "catalog/catalog.h"
#include "core/blob_paths.h"
#include "core/ids.h"
#include "lifecycle/retention.h"
#include "service/job_metadata.h"

namespace noisett::service {
namespace {

constexpr std::string_view kRoot = "generated/";

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t slash; (slash = path.find('/', start)) != std::string_view::npos; start = slash + 1) {
    parts.push_back(path.substr(start, slash - start));
  }
  parts.push_back(path.substr(start));
  return parts;
}

// Why `name` joins no job, or "" when it is a job's file.
std::string WhyUnexpected(const std::vector<std::string_view>& parts) {
  if (parts.size() != 4) return "not generated/{user}/{job}/{file}";
  if (!IsValidUserId(parts[1])) return "user id is not [A-Za-z0-9_-]{1,64}";
  if (!IsValidJobId(parts[2])) return "job id is not a server-made id";
  if (!IsJobFileName(parts[3])) return "not a file a job holds";
  return "";
}

StoredBlob FromProperties(storage::BlobProperties& p, std::string_view file) {
  StoredBlob b;
  b.name = std::move(p.name);
  b.file = std::string(file);
  b.size = p.size;
  b.content_type = std::move(p.content_type);
  b.last_modified = p.last_modified;
  b.deleted = p.deleted;
  b.deleted_at = p.deleted_at;
  // Other tags (blob_kind on images) do not matter here.
  if (auto tier = p.tags.find(std::string(lifecycle::kSubscriptionTierTag)); tier != p.tags.end()) {
    b.tier_tag = tier->second;
  }
  return b;
}

using JobMap = std::map<std::pair<std::string, std::string>, StoredJob>;

// Files one job holds once; an Azure listing without versioning can show a soft-deleted blob
// beside a live one of the same name, and the live one is the blob.
void Add(JobMap& jobs, const std::vector<std::string_view>& parts, StoredBlob blob) {
  StoredJob& job = jobs[{std::string(parts[1]), std::string(parts[2])}];
  if (job.user_id.empty()) {
    job.user_id = std::string(parts[1]);
    job.job_id = std::string(parts[2]);
  }
  for (StoredBlob& existing : job.blobs) {
    if (existing.file == blob.file) {
      if (existing.deleted && !blob.deleted) existing = std::move(blob);
      return;
    }
  }
  job.blobs.push_back(std::move(blob));
}

}  // namespace

const StoredBlob* StoredJob::Find(std::string_view file) const {
  for (const StoredBlob& b : blobs) {
    if (b.file == file) return &b;
  }
  return nullptr;
}

bool StoredJob::AllDeleted() const {
  return std::all_of(blobs.begin(), blobs.end(), [](const StoredBlob& b) { return b.deleted; });
}

int64_t StoredJob::NewestLiveModified() const {
  int64_t newest = 0;
  for (const StoredBlob& b : blobs) {
    if (!b.deleted) newest = std::max(newest, b.last_modified);
  }
  return newest;
}

bool IsRenditionFileName(std::string_view file) {
  for (int size : {256, 512, 1024, 2048}) {
    for (int index = 0; index < catalog::kMaxImagesPerJob; ++index) {
      for (std::string_view ext : {"avif", "webp"}) {
        if (file == RenditionFileName(index, size, ext)) return true;
      }
    }
  }
  return false;
}

bool IsJobFileName(std::string_view file) {
  if (file == "metadata.json") return true;
  if (IsRenditionFileName(file)) return true;
  if (file.substr(0, 6) == "thumb_") file.remove_prefix(6);
  if (file.size() < 8 || file.substr(0, 6) != "image_") return false;
  if (file[6] < '0' || file[6] >= char('0' + catalog::kMaxImagesPerJob)) return false;
  const std::string_view extension = file.substr(7);
  return extension == ".jpg" || extension == ".webp";
}

Result<StoreScan> ScanStore(storage::BlobStore& blobs, const ScanProgress& progress) {
  StoreScan scan;
  JobMap jobs;
  storage::ListOptions options;
  options.prefix = std::string(kRoot);
  options.include_deleted = true;
  options.include_tags = true;
  options.max_results = 1000;
  do {
    auto page = blobs.List(options);
    if (!page) return Unexpected(page.error());
    for (storage::BlobProperties& item : page->items) {
      ++scan.blobs_listed;
      const auto parts = Split(item.name);
      if (std::string why = WhyUnexpected(parts); !why.empty()) {
        scan.unexpected.push_back({item.name, std::move(why)});
        continue;
      }
      Add(jobs, parts, FromProperties(item, parts[3]));
    }
    options.continuation = page->continuation;
    if (progress.listed) progress.listed(scan.blobs_listed);
  } while (!options.continuation.empty());
  scan.jobs.reserve(jobs.size());
  for (auto& [key, job] : jobs) scan.jobs.push_back(std::move(job));
  return scan;
}

Result<std::string> ReadMetadataBlob(storage::BlobStore& blobs, const StoredBlob& metadata) {
  if (metadata.size > kMaxMetadataBytes) {
    return Unexpected(MakeError(ErrorCode::kTooLarge, "metadata_too_large",
                                           metadata.name + " is " + std::to_string(metadata.size) +
                                               " bytes; a metadata.json is at most 64 KiB"));
  }
  if (metadata.deleted) {
    if (auto ok = blobs.Undelete(metadata.name); !ok) return Unexpected(ok.error());
  }
  auto data = blobs.Get(metadata.name);
  if (metadata.deleted) {
    if (auto ok = blobs.Delete(metadata.name); !ok) return Unexpected(ok.error());
  }
  if (!data) return Unexpected(data.error());
  if (data->bytes.size() > kMaxMetadataBytes) {
    return Unexpected(MakeError(ErrorCode::kTooLarge, "metadata_too_large",
                                           metadata.name + " is larger than 64 KiB"));
  }
  return std::move(data->bytes);
}

}  // namespace noisett::service
