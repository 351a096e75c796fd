// The sweeper: applies a lifecycle policy to a BlobStore the way Azure's lifecycle management
// would (used on the embedded default; on Azure, Azure does it). One pass lists every blob under
// the policy's reach, current versions, previous versions and soft-deleted blobs alike, and
//   - moves current blobs to the tier EvaluateBaseBlob decides (SetTier),
//   - soft-deletes current blobs a delete action is due for (Delete),
//   - deletes previous versions a version action is due for (DeleteVersion),
//   - purges what has been soft-deleted for longer than the store's soft-delete window.
// The catalog is kept consistent by the observer, which hears about every change before the pass
// goes on (the service implements it: deleted images leave history and favorites, a job with no
// images left is soft-deleted with them, and purged for good when its blobs are).
// A dry run decides the same and changes nothing (the observer hears nothing); its purge count
// is the store's own preview, so it matches what the real pass would purge.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "lifecycle/policy.h"
#include "storage/blob_store.h"

namespace noisett::lifecycle {

// What one pass did (or, in a dry run, would do). Keys: "tierToCool", "tierToCold",
// "tierToArchive", "delete", "deleteVersion", "purge" — per action; and per tier the blobs and
// bytes that tier holds after the pass ("Hot", "Cool", "Cold", "Archive").
struct Tally {
  int64_t count = 0;
  uint64_t bytes = 0;
};
struct SweepSummary {
  bool dry_run = false;
  int64_t scanned = 0;  // blobs and versions looked at
  std::map<std::string, Tally> actions;
  std::map<std::string, Tally> tiers;
  std::vector<std::string> errors;  // "NAME: reason" for each blob an action failed on
};

class SweepObserver {
 public:
  virtual ~SweepObserver() = default;
  // After the blob moved to `tier`.
  virtual void OnTierChanged(std::string_view name, storage::AccessTier tier) = 0;
  // After the blob was soft-deleted by a delete action (at `now`).
  virtual void OnDeleted(std::string_view name, int64_t now) = 0;
  // After soft-deleted blobs past the window were purged (names of current blobs purged).
  virtual void OnPurged(const std::vector<std::string>& names) = 0;
};

struct SweepOptions {
  std::string container = "noisett-storage";
  std::string prefix = "generated/";  // what to list; rules' prefixes still filter
  bool dry_run = false;
  int64_t soft_delete_seconds = 7 * 86400;  // the store's soft-delete window (purge after)
  // Purges soft-deleted blobs past the window (or, with dry_run, only says which); returns
  // them (name; size: the bytes reclaimed). Set by the caller for stores that keep deleted blobs
  // (LocalBlobStore::PurgeExpired); empty: no purge step.
  std::function<Result<std::vector<storage::BlobProperties>>(bool dry_run)> purge;
  // Called after each blob with (done, total) for a progress bar; may be empty.
  std::function<void(int64_t, int64_t)> progress;
};

// Errors: only a failure to list the store (kUnavailable); failures on single blobs are counted
// in summary.errors and the pass goes on.
Result<SweepSummary> Sweep(storage::BlobStore& store, const Policy& policy, const Clock& clock,
                           SweepObserver& observer, const SweepOptions& options);

}  // namespace noisett::lifecycle
