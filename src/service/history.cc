// The history operations.
#include "service/history.h"

#include "catalog/reasons.h"
#include "service/job_blobs.h"

namespace noisett::service {

Result<HistoryPage> ListHistory(catalog::Catalog& catalog, const LinkIssuer& links,
                                const auth::User& caller, const catalog::PageRequest& page) {
  auto listed = catalog.ListGenerations(caller.user_id, page);
  if (!listed) return Unexpected(listed.error());
  // Jobs still being generated are listed with their status, so a page reloaded mid-generation
  // shows them (a handful at most: the quotas bound them).
  auto unfinished = catalog.jobs().ListUnfinishedJobs(caller.user_id);
  if (!unfinished) return Unexpected(unfinished.error());
  HistoryPage out;
  out.generations.reserve(listed->items.size());
  for (catalog::Generation& job : listed->items) {
    auto view = ViewWithLinks(links, std::move(job));
    if (!view) return Unexpected(view.error());
    for (const ImageLinks& image : view->links) out.links_whole = out.links_whole && image.whole();
    for (const catalog::JobRecord& running : *unfinished) {
      if (running.job_id == view->job.job_id) view->status = catalog::JobStatusName(running.status);
    }
    out.generations.push_back(std::move(*view));
  }
  out.next_cursor = std::move(listed->next_cursor);
  out.total_count = listed->total_count;
  return out;
}

Result<GenerationView> GetHistory(catalog::Catalog& catalog, const LinkIssuer& links,
                                  const auth::User& caller, const std::string& job_id) {
  auto job = catalog.GetGeneration(caller.user_id, job_id);
  if (!job) return Unexpected(job.error());
  return ViewWithLinks(links, std::move(*job));
}

Result<DeletedJob> DeleteHistory(const JobLifeDeps& deps, const auth::User& caller,
                                 const std::string& job_id) {
  auto job = deps.catalog.GetGeneration(caller.user_id, job_id);
  if (!job) return Unexpected(job.error());
  const int64_t now = deps.clock.NowSeconds();
  if (auto ok = deps.catalog.SoftDeleteGeneration(caller.user_id, job_id, now); !ok) {
    return Unexpected(ok.error());
  }
  // Read again: renditions recorded between the first read and the delete are in this one, and
  // none can be recorded after it (SetRenditions wants a live job).
  if (auto deleted = deps.catalog.GetGeneration(caller.user_id, job_id, /*include_deleted=*/true)) {
    job = std::move(deleted);
  }
  if (auto ok = DeleteJobBlobs(deps.blobs, *job); !ok) return Unexpected(ok.error());
  return DeletedJob{job_id, now + deps.soft_delete_days * 86400};
}

Result<GenerationView> RestoreHistory(const JobLifeDeps& deps, const LinkIssuer& links,
                                      const auth::User& caller, const std::string& job_id) {
  auto job = deps.catalog.GetGeneration(caller.user_id, job_id, /*include_deleted=*/true);
  if (!job) return Unexpected(job.error());
  if (job->deleted_at) {
    const int64_t window_end = *job->deleted_at + deps.soft_delete_days * 86400;
    if (deps.clock.NowSeconds() >= window_end) {
      return Unexpected(MakeError(ErrorCode::kNotFound, std::string(catalog::reason::kJobNotFound),
                                  "the job was deleted more than " +
                                      std::to_string(deps.soft_delete_days) +
                                      " days ago and can no longer be restored"));
    }
    if (auto ok = UndeleteJobBlobs(deps.blobs, *job); !ok) return Unexpected(ok.error());
    if (auto ok = deps.catalog.RestoreGeneration(caller.user_id, job_id); !ok) {
      return Unexpected(ok.error());
    }
    job->deleted_at.reset();
    // Renditions the delete interrupted: made now rather than at the next sweep.
    for (const catalog::ImageRecord& image : job->images) {
      if (deps.renditions == nullptr ||
          image.renditions_state != catalog::RenditionState::kPending) {
        continue;
      }
      deps.renditions->Enqueue({caller.user_id, job_id, image.index, image.blob_path, "", ""});
    }
  }
  return ViewWithLinks(links, std::move(*job));
}

}  // namespace noisett::service
