// catalog.rebuild and fsck: open the back end, run the service-level scan with a progress bar,
// print the report.
#include "cli/catalog_commands.h"

#include <memory>

#include "app/app.h"
#include "cli/progress.h"
#include "core/units.h"
#include "service/fsck.h"
#include "service/rebuild.h"

namespace noisett::cli {
namespace {

int SetupError(std::FILE* err, const std::string& command, const Error& e) {
  std::fprintf(err, "noisett %s: %s\n", command.c_str(), e.ToString().c_str());
  return 2;
}

// Listing progress as lines (the total is unknown until the listing ends), then a bar per job.
struct ProgressDisplay {
  std::FILE* err;
  std::unique_ptr<Progress> bar;
  size_t last_report = 0;

  service::ScanProgress Callbacks() {
    service::ScanProgress p;
    p.listed = [this](size_t listed) {
      if (listed - last_report >= 10000) {
        last_report = listed;
        std::fprintf(err, "listing: %zu blobs so far\n", listed);
      }
    };
    p.start = [this](size_t jobs) { bar = std::make_unique<Progress>(err, jobs, 50); };
    p.step = [this](const std::string& label) {
      if (bar) bar->Step(label);
    };
    return p;
  }
  void Finish() {
    if (bar) bar->Finish();
  }
};

void PrintNotes(std::FILE* out, const char* title, const std::vector<service::JobNote>& notes) {
  if (notes.empty()) return;
  std::fprintf(out, "%s:\n", title);
  for (const service::JobNote& n : notes) {
    std::fprintf(out, "  %s/%s: %s\n", n.user_id.c_str(), n.job_id.c_str(), n.reason.c_str());
  }
}

void PrintRebuild(std::FILE* out, const service::RebuildReport& r) {
  std::fprintf(out, "blobs listed:      %zu\n", r.blobs_listed);
  std::fprintf(out, "jobs in the store: %zu\n", r.jobs_in_store);
  std::fprintf(out, "jobs added:        %zu (%zu of them soft-deleted, as their blobs are)\n",
               r.jobs_added, r.jobs_added_deleted);
  std::fprintf(out, "already present:   %zu\n", r.already_present);
  std::fprintf(out, "jobs skipped:      %zu\n", r.skipped.size());
  std::fprintf(out, "images added:      %zu\n", r.images_added);
  std::fprintf(out, "users:             %zu (%zu new)\n", r.users_seen, r.users_added);
  PrintNotes(out, "skipped (not added)", r.skipped);
  PrintNotes(out, "incomplete (added without what is listed)", r.incomplete);
  if (!r.unexpected.empty()) {
    std::fprintf(out, "unexpected blob names (ignored):\n");
    for (const auto& u : r.unexpected) {
      std::fprintf(out, "  %s: %s\n", u.name.c_str(), u.reason.c_str());
    }
  }
  std::fprintf(out, "note: %s\n", service::kFavoritesNote);
}

void PrintFsck(std::FILE* out, const service::FsckReport& r, bool repair) {
  for (const service::Finding& f : r.findings) {
    std::string where = f.user_id.empty() ? "-" : f.user_id + "/" + f.job_id;
    std::fprintf(out, "%s %s: %s%s\n", std::string(service::FindingKindName(f.kind)).c_str(),
                 where.c_str(), f.detail.c_str(),
                 f.age_s >= 0 ? (" (" + std::to_string(f.age_s) + " s old)").c_str() : "");
    if (!f.action.empty()) std::fprintf(out, "  -> %s\n", f.action.c_str());
  }
  std::fprintf(out, "blobs listed: %zu, jobs in the store: %zu, catalog rows: %zu\n",
               r.blobs_listed, r.jobs_in_store, r.rows_scanned);
  if (r.deleted_rows_expired + r.deleted_rows_purged + r.deleted_orphans > 0) {
    std::fprintf(out,
                 "not checked: %zu deleted rows past the restore window, %zu deleted rows whose "
                 "blobs the store already purged, %zu folders of soft-deleted blobs without a row "
                 "(catalog.rebuild re-adds these as deleted jobs)\n",
                 r.deleted_rows_expired, r.deleted_rows_purged, r.deleted_orphans);
  }
  if (r.findings.empty()) {
    std::fprintf(out, "clean: the catalog and the store agree\n");
  } else if (repair) {
    std::fprintf(out, "%zu findings, %zu repaired, %zu remain\n", r.findings.size(),
                 r.findings.size() - r.Unrepaired(), r.Unrepaired());
  } else {
    std::fprintf(out, "%zu findings (run with --repair to fix what can be fixed)\n",
                 r.findings.size());
  }
}

}  // namespace

int RunCatalogRebuild(const MaintenanceArgs& args, const app::Config& config, std::FILE* out,
                      std::FILE* err) {
  // Re-making a lost catalog is what rebuild is for; the store it reads must exist.
  app::AppOptions options;
  options.create_catalog = true;
  auto backend = app::App::Open(config, options);
  if (!backend) return SetupError(err, "catalog.rebuild", backend.error());
  std::fprintf(err, "catalog.rebuild: %s\n", (*backend)->description().c_str());
  ProgressDisplay progress{err, nullptr};
  auto report =
      service::RebuildCatalog((*backend)->blobs(), (*backend)->catalog(), progress.Callbacks());
  progress.Finish();
  if (!report) return SetupError(err, "catalog.rebuild", report.error());
  std::fprintf(err, "catalog.rebuild: listed %zu blobs\n", report->blobs_listed);
  if (args.json) {
    std::fprintf(out, "%s\n", service::ToJson(*report).dump(2).c_str());
  } else {
    PrintRebuild(out, *report);
  }
  return report->clean() ? 0 : 1;
}

int RunFsck(const MaintenanceArgs& args, const app::Config& config, std::FILE* out,
            std::FILE* err) {
  auto grace = ParseDuration(args.grace);
  if (!grace) return SetupError(err, "fsck", grace.error());
  auto backend = app::App::Open(config);
  if (!backend) return SetupError(err, "fsck", backend.error());
  std::fprintf(err, "fsck: %s\n", (*backend)->description().c_str());
  ProgressDisplay progress{err, nullptr};
  service::FsckOptions options;
  options.repair = args.repair;
  options.grace_s = *grace;
  options.soft_delete_days = config.backend.soft_delete_days;
  options.progress = progress.Callbacks();
  auto report =
      service::RunFsck((*backend)->blobs(), (*backend)->catalog(), (*backend)->clock(), options);
  progress.Finish();
  if (!report) return SetupError(err, "fsck", report.error());
  std::fprintf(err, "fsck: listed %zu blobs\n", report->blobs_listed);
  if (args.json) {
    std::fprintf(out, "%s\n", service::ToJson(*report).dump(2).c_str());
  } else {
    PrintFsck(out, *report, args.repair);
  }
  return report->Unrepaired() == 0 ? 0 : 1;
}

}  // namespace noisett::cli
