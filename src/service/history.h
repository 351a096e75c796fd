// history.list, history.get, history.delete and history.restore as typed operations: the caller's
// jobs, newest first, with links; a soft delete and its undo inside the restore window. Every call
// names the caller, so another user's job is answered exactly like a missing one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/user.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "service/links.h"
#include "service/rendition_worker.h"
#include "storage/blob_store.h"

namespace noisett::service {

struct HistoryPage {
  std::vector<GenerationView> generations;
  std::string next_cursor;  // "" on the last page
  int64_t total_count = 0;  // all of the caller's live jobs
  bool links_whole = true;  // no link was cut short of its term (SignedLinks::whole)
};

// One page of the caller's live jobs. Errors: the catalog's ("bad_cursor", ...).
Result<HistoryPage> ListHistory(catalog::Catalog& catalog, const LinkIssuer& links,
                                const auth::User& caller, const catalog::PageRequest& page);

// One of the caller's live jobs. Errors: kNotFound "job_not_found".
Result<GenerationView> GetHistory(catalog::Catalog& catalog, const LinkIssuer& links,
                                  const auth::User& caller, const std::string& job_id);

// What deleting and restoring jobs touches.
struct JobLifeDeps {
  catalog::Catalog& catalog;
  storage::BlobStore& blobs;
  const Clock& clock;
  int64_t soft_delete_days = 7;  // the restore window
  RenditionWorker* renditions = nullptr;  // a restored job's pending renditions go back to it
};

struct DeletedJob {
  std::string job_id;
  int64_t restorable_until = 0;
};

// Soft delete: the row first (the job leaves every list at once), then its blobs.
// Errors: kNotFound "job_not_found"; the store's.
Result<DeletedJob> DeleteHistory(const JobLifeDeps& deps, const auth::User& caller,
                                 const std::string& job_id);

// Undo inside the window: blobs first, so the job is whole when it reappears in lists. A live job
// is answered as it is. Errors: kNotFound "job_not_found" (also past the window); the store's.
Result<GenerationView> RestoreHistory(const JobLifeDeps& deps, const LinkIssuer& links,
                                      const auth::User& caller, const std::string& job_id);

}  // namespace noisett::service
