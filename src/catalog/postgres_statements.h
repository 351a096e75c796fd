// Internal to PostgresCatalog: every statement a catalog call runs, by name. Each pool connection
// gets the definitions when it opens (libpqxx prepares one on the server the first time it is
// used on that connection), so calls send only the statement name and bound parameters: no value
// is ever spliced into SQL text.
#pragma once

#include <pqxx/connection_base>

#include <span>

namespace noisett::catalog::pg {

// Statement names; their SQL is in postgres_statements.cc.
namespace stmt {
inline constexpr char kUpsertUser[] = "upsert_user";
inline constexpr char kGetUser[] = "get_user";
inline constexpr char kSetUserTier[] = "set_user_tier";
inline constexpr char kInsertGeneration[] = "insert_generation";
inline constexpr char kInsertImage[] = "insert_image";
inline constexpr char kLockJob[] = "lock_job";    // FOR UPDATE: AddImage
inline constexpr char kShareJob[] = "share_job";  // FOR SHARE: favorites
inline constexpr char kFindJob[] = "find_job";
inline constexpr char kBumpImageCount[] = "bump_image_count";
inline constexpr char kImageExists[] = "image_exists";
inline constexpr char kGetGeneration[] = "get_generation";
inline constexpr char kHistoryFirst[] = "history_first";
inline constexpr char kHistoryAfter[] = "history_after";
inline constexpr char kSoftDelete[] = "soft_delete";
inline constexpr char kRestore[] = "restore";
inline constexpr char kPurge[] = "purge";
inline constexpr char kDeleteImage[] = "delete_image";
inline constexpr char kSetImageCount[] = "set_image_count";
inline constexpr char kSetImageTier[] = "set_image_tier";
inline constexpr char kSetRenditions[] = "set_renditions";
inline constexpr char kPendingRenditions[] = "pending_renditions";
inline constexpr char kAddFavorite[] = "add_favorite";
inline constexpr char kRemoveFavorite[] = "remove_favorite";
inline constexpr char kFavoritesFirst[] = "favorites_first";
inline constexpr char kFavoritesAfter[] = "favorites_after";
inline constexpr char kTotals[] = "totals";
inline constexpr char kScan[] = "scan";
inline constexpr char kUserVersion[] = "user_version";
inline constexpr char kReady[] = "ready";

// The job queue's (postgres_jobs.cc); their SQL is in postgres_job_statements.cc.
inline constexpr char kInsertJob[] = "insert_job";
inline constexpr char kGetJob[] = "get_job";
inline constexpr char kLockJobRow[] = "lock_job_row";           // FOR UPDATE: the lease calls
inline constexpr char kLockUserJobRow[] = "lock_user_job_row";  // FOR UPDATE: RequestCancel
inline constexpr char kUnfinishedJobs[] = "unfinished_jobs";
inline constexpr char kClaimJob[] = "claim_job";  // FOR UPDATE SKIP LOCKED
inline constexpr char kStartJob[] = "start_job";
inline constexpr char kRenewLease[] = "renew_lease";
inline constexpr char kSetPredictions[] = "set_predictions";
inline constexpr char kFinishJob[] = "finish_job";
inline constexpr char kRemoveEmptyGeneration[] = "remove_empty_generation";
inline constexpr char kCancelQueuedJob[] = "cancel_queued_job";
inline constexpr char kFlagCancel[] = "flag_cancel";
inline constexpr char kReleaseLeases[] = "release_leases";
inline constexpr char kQuotaUsage[] = "quota_usage";
inline constexpr char kCountJobs[] = "count_jobs";
}  // namespace stmt

struct StatementDefinition {
  const char* name;
  const char* sql;
};

// The job queue's statements (postgres_job_statements.cc), defined with the others.
std::span<const StatementDefinition> JobStatements();

// The SQL of a statement above (for EXPLAIN in tests and benchmarks); nullptr for another name.
const char* StatementSql(const char* name);

void DefineStatements(pqxx::connection_base& connection);

}  // namespace noisett::catalog::pg
