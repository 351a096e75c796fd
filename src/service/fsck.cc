// fsck: the checks per catalog row and per orphaned job folder, and their repairs.
#include "service/fsck.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/blob_paths.h"
#include "image/renditions.h"
#include "lifecycle/retention.h"
#include "service/job_blobs.h"
#include "service/job_metadata.h"
#include "service/job_store.h"
#include "service/rebuild.h"

namespace noisett::service {
namespace {

constexpr int kScanPage = 500;

struct Fsck {
  storage::BlobStore& blobs;
  catalog::Catalog& catalog;
  const FsckOptions& options;
  int64_t now;
  FsckReport report;

  bool Old(int64_t age) const { return age < 0 || age >= options.grace_s; }
  void Add(Finding f) { report.findings.push_back(std::move(f)); }
  std::string TooYoung(int64_t age) const {
    return "left alone: " + std::to_string(age) + " s old, younger than the grace period (" +
           std::to_string(options.grace_s) + " s); work on it may be in flight";
  }
};

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The file a row names inside its own job folder; "" when the path points anywhere else.
std::string OwnFile(const catalog::Generation& row, const std::string& path) {
  const std::string prefix = JobPrefix(row.user_id, row.job_id);
  if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return "";
  const std::string file = path.substr(prefix.size());
  return IsJobFileName(file) ? file : "";
}

// Every blob the row references, as file names ("" for a path outside the job's folder).
std::vector<std::string> RowFiles(const catalog::Generation& row) {
  std::vector<std::string> files;
  for (const catalog::ImageRecord& image : row.images) {
    files.push_back(OwnFile(row, image.blob_path));
    if (!image.thumbnail_path.empty()) files.push_back(OwnFile(row, image.thumbnail_path));
    for (const catalog::Rendition& r : image.renditions) {
      files.push_back(OwnFile(row, RenditionPath(image, r)));
    }
  }
  files.push_back("metadata.json");
  return files;
}

bool Live(storage::BlobStore& blobs, const std::string& name) {
  return blobs.GetProperties(name).has_value();
}

// --- metadata.json against the row ---------------------------------------------------------

std::vector<std::string> Differences(const catalog::Generation& row,
                                     const catalog::Generation& doc) {
  std::vector<std::string> diffs;
  auto field = [&](const char* name, const std::string& a, const std::string& b) {
    if (a != b) diffs.push_back(std::string(name) + " differs");
  };
  field("prompt", row.prompt, doc.prompt);
  field("asset_type", row.asset_type, doc.asset_type);
  field("quality", row.quality, doc.quality);
  field("model", row.model, doc.model);
  if (row.created_at != doc.created_at) diffs.push_back("created_at differs");
  std::set<int> indexes;
  for (const auto& i : row.images) indexes.insert(i.index);
  for (const auto& i : doc.images) indexes.insert(i.index);
  for (int index : indexes) {
    auto find = [index](const catalog::Generation& g) -> const catalog::ImageRecord* {
      for (const auto& i : g.images) {
        if (i.index == index) return &i;
      }
      return nullptr;
    };
    const catalog::ImageRecord* a = find(row);
    const catalog::ImageRecord* b = find(doc);
    const std::string which = "image " + std::to_string(index);
    if (a == nullptr) {
      diffs.push_back(which + " is in metadata.json only");
    } else if (b == nullptr) {
      diffs.push_back(which + " is in the row only");
    } else if (a->seed != b->seed || a->blob_path != b->blob_path || a->bytes != b->bytes ||
               a->width != b->width || a->height != b->height) {
      diffs.push_back(which + " differs (seed, file, bytes or size)");
    } else if (a->renditions_state != b->renditions_state || a->renditions != b->renditions) {
      diffs.push_back(which + " renditions differ");
    }
  }
  return diffs;
}

// "" when metadata.json agrees with the row, else what differs.
std::string MetadataProblem(Fsck& c, const catalog::Generation& row, const StoredBlob& meta) {
  auto text = ReadMetadataBlob(c.blobs, meta);
  if (!text) return "metadata.json unreadable: " + text.error().ToString();
  auto doc = ParseMetadataJson(*text, row.user_id, row.job_id);
  if (!doc) return "metadata.json " + doc.error().ToString();
  return Join(Differences(row, *doc));
}

void CheckMetadata(Fsck& c, const catalog::Generation& row, const StoredBlob& meta) {
  std::string problem = MetadataProblem(c, row, meta);
  if (problem.empty()) return;
  // An image being added rewrites metadata.json before its row changes: look at the row again.
  auto fresh = c.catalog.GetGeneration(row.user_id, row.job_id);
  if (!fresh) return;
  if (problem = MetadataProblem(c, *fresh, meta); problem.empty()) return;
  Finding f{FindingKind::kMetadataMismatch, row.user_id, row.job_id, problem,
            c.now - meta.last_modified, false, ""};
  if (c.options.repair) {
    if (!c.Old(f.age_s)) {
      f.action = c.TooYoung(f.age_s);
    } else {
      storage::Tags tags;
      if (!meta.tier_tag.empty()) {
        tags = {{std::string(lifecycle::kSubscriptionTierTag), meta.tier_tag}};
      }
      auto written = c.blobs.Put(meta.name, MetadataJson(*fresh), MetadataPutOptions(tags));
      f.repaired = written.has_value();
      f.action = f.repaired ? "rewrote metadata.json from the catalog row"
                            : "could not rewrite metadata.json: " + written.error().ToString();
    }
  }
  c.Add(std::move(f));
}

// --- soft-delete state ---------------------------------------------------------------------

void RepairState(Fsck& c, Finding& f, const std::vector<const StoredBlob*>& wrong, bool undelete) {
  if (!c.options.repair) return;
  if (!c.Old(f.age_s)) {
    f.action = c.TooYoung(f.age_s);
    return;
  }
  // A delete or restore may have finished since the scan: act only if the row still says so.
  auto row = c.catalog.GetGeneration(f.user_id, f.job_id, /*include_deleted=*/true);
  if (!row || row->deleted_at.has_value() == undelete) {
    f.action = "left alone: the row changed since the scan";
    return;
  }
  for (const StoredBlob* b : wrong) {
    Status ok = undelete ? c.blobs.Undelete(b->name) : c.blobs.Delete(b->name);
    if (!ok && ok.error().code != ErrorCode::kNotFound) {
      f.action = "stopped at " + b->file + ": " + ok.error().ToString();
      return;
    }
  }
  f.repaired = true;
  f.action = undelete ? "undeleted the blobs (the row is live)"
                      : "deleted the blobs (the row is soft-deleted)";
}

void CheckState(Fsck& c, const catalog::Generation& row, const StoredJob& stored,
                const std::vector<std::string>& files) {
  const bool row_live = !row.deleted_at.has_value();
  std::vector<const StoredBlob*> wrong;
  std::vector<std::string> names;
  int64_t since = 0;
  for (const std::string& file : files) {
    const StoredBlob* b = file.empty() ? nullptr : stored.Find(file);
    if (b == nullptr || b->deleted != row_live) continue;
    wrong.push_back(b);
    names.push_back(file);
    since = std::max(since, row_live ? b->deleted_at : *row.deleted_at);
  }
  if (wrong.empty()) return;
  Finding f{row_live ? FindingKind::kBlobsDeletedRowLive : FindingKind::kRowDeletedBlobsLive,
            row.user_id, row.job_id,
            (row_live ? "the row is live, these blobs are soft-deleted: "
                      : "the row is soft-deleted, these blobs are live: ") +
                Join(names),
            since > 0 ? c.now - since : -1, false, ""};
  RepairState(c, f, wrong, /*undelete=*/row_live);
  c.Add(std::move(f));
}

// --- orphans -------------------------------------------------------------------------------

// Deletes the live blobs of `stored` not in `keep`; "" or the first error.
std::string DeleteLive(Fsck& c, const StoredJob& stored, const std::set<std::string>& keep,
                       size_t* deleted) {
  for (const StoredBlob& b : stored.blobs) {
    if (b.deleted || keep.count(b.file) != 0) continue;
    if (auto ok = c.blobs.Delete(b.name); !ok && ok.error().code != ErrorCode::kNotFound) {
      return "could not delete " + b.file + ": " + ok.error().ToString();
    }
    ++*deleted;
  }
  return "";
}

void RepairOrphan(Fsck& c, const StoredJob& stored, Finding& f) {
  std::string why = "no live metadata.json";
  if (const StoredBlob* meta = stored.Metadata(); meta != nullptr && !meta->deleted) {
    auto text = ReadMetadataBlob(c.blobs, *meta);
    auto built = text ? JobFromBlobs(stored, *text, /*strict=*/true)
                      : Result<BuiltJob>(Unexpected(text.error()));
    if (built) {
      if (auto ok = c.catalog.InsertGeneration(built->job); !ok) {
        f.action = "not repaired: the catalog refused the row: " + ok.error().ToString();
        return;
      }
      if (auto ok = AddUserIfMissing(c.catalog, built->job.user_id, built->tier,
                                     built->job.created_at);
          !ok) {
        f.action = "re-added the row, but not its user: " + ok.error().ToString();
        return;
      }
      std::set<std::string> keep;
      for (const std::string& file : RowFiles(built->job)) keep.insert(file);
      size_t extra = 0;
      const std::string error = DeleteLive(c, stored, keep, &extra);
      f.repaired = error.empty();
      f.action = "re-added to the catalog (metadata.json proves " +
                 std::to_string(built->job.images.size()) + " images)" +
                 (extra > 0 ? "; deleted " + std::to_string(extra) + " blobs it does not list" : "") +
                 (error.empty() ? "" : "; " + error);
      return;
    }
    why = (text ? built.error() : text.error()).ToString();
  }
  size_t deleted = 0;
  const std::string error = DeleteLive(c, stored, {}, &deleted);
  f.repaired = error.empty();
  f.action = "deleted " + std::to_string(deleted) + " blobs (not a finished upload: " + why + ")" +
             (error.empty() ? "" : "; " + error);
}

void CheckOrphan(Fsck& c, const StoredJob& stored) {
  if (stored.AllDeleted()) {
    ++c.report.deleted_orphans;
    return;
  }
  // The row may have been written after the catalog scan passed this job id.
  if (c.catalog.GetGeneration(stored.user_id, stored.job_id, true).has_value()) return;
  std::vector<std::string> files;
  for (const StoredBlob& b : stored.blobs) {
    if (!b.deleted) files.push_back(b.file);
  }
  Finding f{FindingKind::kOrphanBlobs, stored.user_id, stored.job_id,
            "no catalog row; live blobs: " + Join(files), c.now - stored.NewestLiveModified(),
            false, ""};
  if (c.options.repair) {
    if (c.Old(f.age_s)) {
      RepairOrphan(c, stored, f);
    } else {
      f.action = c.TooYoung(f.age_s);
    }
  }
  c.Add(std::move(f));
}

// The rendition blobs an image whose renditions are pending may already have: the worker stores
// them before it records them, and one whose store went away between the two (a failed rollback)
// writes the same names again on its next try. Work in flight, not orphans.
std::vector<std::string> PendingRenditionFiles(const catalog::Generation& row) {
  std::vector<std::string> out;
  for (const catalog::ImageRecord& image : row.images) {
    if (image.renditions_state != catalog::RenditionState::kPending) continue;
    for (const image::RenditionSpec& spec : image::DefaultRenditionSpecs()) {
      out.push_back(RenditionFileName(image.index, spec.size, image::FileExtension(spec.format)));
    }
  }
  return out;
}

// Live blobs in a job folder that the row does not reference (an image whose AddImage never
// came, or leftovers of a failed one), but for a pending image's renditions.
void CheckExtras(Fsck& c, const catalog::Generation& row, const StoredJob& stored,
                 const std::vector<std::string>& files) {
  std::set<std::string> known(files.begin(), files.end());
  for (std::string& file : PendingRenditionFiles(row)) known.insert(std::move(file));
  std::vector<std::string> extra;
  int64_t newest = 0;
  for (const StoredBlob& b : stored.blobs) {
    if (b.deleted || known.count(b.file) != 0) continue;
    extra.push_back(b.file);
    newest = std::max(newest, b.last_modified);
  }
  if (extra.empty()) return;
  Finding f{FindingKind::kOrphanBlobs, row.user_id, row.job_id,
            "live blobs the catalog row does not reference: " + Join(extra), c.now - newest,
            false, ""};
  if (c.options.repair) {
    if (!c.Old(f.age_s)) {
      f.action = c.TooYoung(f.age_s);
    } else {
      size_t deleted = 0;
      const std::string error = DeleteLive(c, stored, known, &deleted);
      f.repaired = error.empty();
      f.action = error.empty() ? "deleted " + std::to_string(deleted) + " blobs" : error;
    }
  }
  c.Add(std::move(f));
}

// --- one row -------------------------------------------------------------------------------

bool Missing(Fsck& c, const catalog::Generation& row, const StoredJob* stored,
             const std::string& file) {
  return (stored == nullptr || stored->Find(file) == nullptr) &&
         !Live(c.blobs, JobPrefix(row.user_id, row.job_id) + file);  // written after the listing?
}

// metadata.json again from the row as it is now, with the tier tag it has.
void RewriteMetadata(Fsck& c, const catalog::Generation& row, const StoredJob* stored) {
  const StoredBlob* meta = stored != nullptr ? stored->Metadata() : nullptr;
  storage::Tags tags;
  if (meta != nullptr && !meta->tier_tag.empty()) {
    tags = {{std::string(lifecycle::kSubscriptionTierTag), meta->tier_tag}};
  }
  SyncMetadata(c.blobs, c.catalog, row.user_id, row.job_id, MetadataPutOptions(tags));
}

// Renditions are derived: one whose blob is lost is dropped from the row (the image and its JPEG
// pair still answer), where a lost image or thumbnail can only be reported.
void CheckMissingRenditions(Fsck& c, const catalog::Generation& row, const StoredJob* stored) {
  if (row.deleted_at) return;
  for (const catalog::ImageRecord& image : row.images) {
    std::vector<catalog::Rendition> kept;
    std::vector<std::string> lost;
    for (const catalog::Rendition& r : image.renditions) {
      const std::string file = OwnFile(row, RenditionPath(image, r));
      if (file.empty() || Missing(c, row, stored, file)) {
        lost.push_back(file.empty() ? "a path outside the job's folder" : file);
      } else {
        kept.push_back(r);
      }
    }
    if (lost.empty()) continue;
    Finding f{FindingKind::kMissingBlobs,
              row.user_id,
              row.job_id,
              "missing renditions: " + Join(lost),
              -1,
              false,
              ""};
    if (c.options.repair) {
      auto ok = c.catalog.SetRenditions(row.user_id, row.job_id, image.index, kept);
      f.repaired = ok.has_value();
      f.action = f.repaired ? "dropped them from the row (the image and its JPEG pair remain)"
                            : "could not drop them from the row: " + ok.error().ToString();
      if (f.repaired) RewriteMetadata(c, row, stored);
    }
    c.Add(std::move(f));
  }
}

void CheckMissing(Fsck& c, const catalog::Generation& row, const StoredJob* stored,
                  const std::vector<std::string>& files) {
  std::set<std::string> rendition_files;
  for (const catalog::ImageRecord& image : row.images) {
    for (const catalog::Rendition& r : image.renditions) {
      if (std::string file = OwnFile(row, RenditionPath(image, r)); !file.empty()) {
        rendition_files.insert(std::move(file));
      }
    }
  }
  std::vector<std::string> missing;
  for (const std::string& file : files) {
    if (rendition_files.count(file) != 0) continue;  // CheckMissingRenditions
    if (file.empty()) {
      missing.push_back("a path outside the job's folder");
    } else if (Missing(c, row, stored, file)) {
      missing.push_back(file);
    }
  }
  CheckMissingRenditions(c, row, stored);
  if (missing.empty()) return;
  Finding f{FindingKind::kMissingBlobs, row.user_id, row.job_id, "missing: " + Join(missing), -1,
            false, ""};
  if (c.options.repair) {
    f.action = "not repaired: lost blobs cannot be recreated; restore them from a backup, or "
               "delete the job (history.delete)";
  }
  c.Add(std::move(f));
}

void CheckRow(Fsck& c, const catalog::Generation& row, const StoredJob* stored) {
  ++c.report.rows_scanned;
  if (row.deleted_at && c.now >= *row.deleted_at + c.options.soft_delete_days * 86400) {
    ++c.report.deleted_rows_expired;
    return;
  }
  const std::vector<std::string> files = RowFiles(row);
  if (row.deleted_at) {
    const bool any = stored != nullptr && std::any_of(files.begin(), files.end(), [&](auto& f) {
                       return !f.empty() && stored->Find(f) != nullptr;
                     });
    if (!any) {
      ++c.report.deleted_rows_purged;
      return;
    }
  }
  CheckMissing(c, row, stored, files);
  if (stored == nullptr) return;
  CheckState(c, row, *stored, files);
  CheckExtras(c, row, *stored, files);
  const StoredBlob* meta = stored->Metadata();
  if (!row.deleted_at && meta != nullptr && !meta->deleted) CheckMetadata(c, row, *meta);
}

void ReportUnexpected(Fsck& c, const std::vector<UnexpectedBlob>& unexpected) {
  for (const UnexpectedBlob& u : unexpected) {
    Finding f{FindingKind::kUnexpectedBlob, "", "", u.name + ": " + u.reason, -1, false, ""};
    if (c.options.repair) f.action = "not repaired: unexpected names are never trusted or touched";
    c.Add(std::move(f));
  }
}

}  // namespace

std::string_view FindingKindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kMissingBlobs: return "missing_blobs";
    case FindingKind::kBlobsDeletedRowLive: return "blobs_deleted_row_live";
    case FindingKind::kRowDeletedBlobsLive: return "row_deleted_blobs_live";
    case FindingKind::kOrphanBlobs: return "orphan_blobs";
    case FindingKind::kMetadataMismatch: return "metadata_mismatch";
    case FindingKind::kUnexpectedBlob: return "unexpected_blob";
  }
  return "unknown";
}

size_t FsckReport::Unrepaired() const {
  return size_t(std::count_if(findings.begin(), findings.end(),
                              [](const Finding& f) { return !f.repaired; }));
}

Result<FsckReport> RunFsck(storage::BlobStore& blobs, catalog::Catalog& catalog,
                           const Clock& clock, const FsckOptions& options) {
  // The store first: a row is written after its blobs, so a row the catalog scan sees has blobs
  // that were either listed or are confirmed one by one (CheckMissing).
  auto scan = ScanStore(blobs, options.progress);
  if (!scan) return Unexpected(scan.error());
  Fsck c{blobs, catalog, options, clock.NowSeconds(), {}};
  c.report.blobs_listed = scan->blobs_listed;
  c.report.jobs_in_store = scan->jobs.size();
  std::unordered_map<std::string, size_t> by_key;  // "user/job" → index in scan->jobs
  for (size_t i = 0; i < scan->jobs.size(); ++i) {
    by_key.emplace(scan->jobs[i].user_id + "/" + scan->jobs[i].job_id, i);
  }
  std::vector<bool> seen(scan->jobs.size(), false);
  if (options.progress.start) options.progress.start(scan->jobs.size());
  std::string after;
  do {
    auto page = catalog.ScanGenerations(after, kScanPage);
    if (!page) return Unexpected(page.error());
    for (const catalog::Generation& row : page->items) {
      auto it = by_key.find(row.user_id + "/" + row.job_id);
      const StoredJob* stored = it == by_key.end() ? nullptr : &scan->jobs[it->second];
      if (stored != nullptr) seen[it->second] = true;
      CheckRow(c, row, stored);
      if (stored != nullptr && options.progress.step) {
        options.progress.step(row.user_id + "/" + row.job_id);
      }
    }
    after = page->next_after;
  } while (!after.empty());
  for (size_t i = 0; i < scan->jobs.size(); ++i) {
    if (seen[i]) continue;
    CheckOrphan(c, scan->jobs[i]);
    if (options.progress.step) {
      options.progress.step(scan->jobs[i].user_id + "/" + scan->jobs[i].job_id);
    }
  }
  ReportUnexpected(c, scan->unexpected);
  return std::move(c.report);
}

nlohmann::json ToJson(const FsckReport& r) {
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : r.findings) {
    nlohmann::json j = {{"kind", FindingKindName(f.kind)}, {"user_id", f.user_id},
                        {"job_id", f.job_id},              {"detail", f.detail},
                        {"repaired", f.repaired}};
    if (f.age_s >= 0) j["age_s"] = f.age_s;
    if (!f.action.empty()) j["action"] = f.action;
    findings.push_back(std::move(j));
  }
  return {{"blobs_listed", r.blobs_listed},
          {"jobs_in_store", r.jobs_in_store},
          {"rows_scanned", r.rows_scanned},
          {"deleted_rows_expired", r.deleted_rows_expired},
          {"deleted_rows_purged", r.deleted_rows_purged},
          {"deleted_orphans", r.deleted_orphans},
          {"findings", std::move(findings)},
          {"unrepaired", r.Unrepaired()},
          {"clean", r.findings.empty()}};
}

}  // namespace noisett::service
