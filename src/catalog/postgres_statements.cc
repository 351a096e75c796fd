// The catalog's SQL on PostgreSQL, one named statement per step (the job queue's are
// postgres_job_statements.cc). Reads are single statements (one snapshot without a transaction): a
// list page comes back with its total count and its images in one round trip, the count from
// user_job_counts (kept by triggers, postgres_migrations.cc). Rows with images repeat their
// generation's columns, images by index; the LEFT JOINs keep a page row with no images, and the
// leading `total` row keeps the count when the page is empty.
#include "catalog/postgres_statements.h"

#include <cstring>
#include <string>

namespace noisett::catalog::pg {
namespace {

// SQL is laid out by hand, one clause per line.
// clang-format off
#define GENERATION_COLUMNS(p) \
  p "job_id, " p "user_id, " p "prompt, " p "asset_type, " p "quality, " p "model, " \
  p "created_at, " p "deleted_at"
#define IMAGE_COLUMNS \
  "i.image_index, i.seed, i.blob_path, i.thumbnail_path, i.bytes, i.thumbnail_bytes, i.width," \
  " i.height, i.content_type, i.access_tier, i.thumbhash, i.renditions," \
  " EXISTS (SELECT 1 FROM favorites AS f" \
  " WHERE f.job_id = i.job_id AND f.image_index = i.image_index)"

#define HISTORY(keyset)                                                                        \
  "WITH total AS (SELECT COALESCE((SELECT live_jobs FROM user_job_counts WHERE user_id = $1)," \
  " 0) AS n),"                                                                                 \
  " page AS (SELECT " GENERATION_COLUMNS("") " FROM generations"                               \
  " WHERE user_id = $1 AND deleted_at IS NULL" keyset                                          \
  " ORDER BY created_at DESC, job_id DESC LIMIT $2)"                                           \
  " SELECT total.n, " GENERATION_COLUMNS("p.") ", " IMAGE_COLUMNS                              \
  " FROM total LEFT JOIN page AS p ON TRUE LEFT JOIN images AS i ON i.job_id = p.job_id"       \
  " ORDER BY p.created_at DESC, p.job_id DESC, i.image_index"

#define FAVORITES_FROM                                                              \
  " FROM favorites AS f JOIN generations AS g ON g.job_id = f.job_id"              \
  " JOIN images AS i ON i.job_id = f.job_id AND i.image_index = f.image_index"     \
  " WHERE f.user_id = $1 AND g.deleted_at IS NULL"
// The count looks each favorite's job up by primary key (a correlated subquery): a join lets the
// planner hash the whole generations table for a user with a few thousand favorites. Each page
// row is its favorite's images row (i.*, so job_id and image_index are the favorite's) with the
// favorite's time and prompt; the page is named i so IMAGE_COLUMNS reads it as it reads images.
#define FAVORITES(keyset)                                                                     \
  "WITH total AS (SELECT COUNT(*) AS n FROM favorites AS f WHERE f.user_id = $1 AND"          \
  " (SELECT g.deleted_at IS NULL FROM generations AS g WHERE g.job_id = f.job_id)),"          \
  " page AS (SELECT i.*, f.created_at AS favorited_at, g.prompt" FAVORITES_FROM keyset        \
  " ORDER BY f.created_at DESC, f.job_id DESC, f.image_index DESC LIMIT $2)"                  \
  " SELECT total.n, i.job_id, i.image_index, i.favorited_at, i.prompt, " IMAGE_COLUMNS        \
  " FROM total LEFT JOIN page AS i ON TRUE"                                                   \
  " ORDER BY i.favorited_at DESC, i.job_id DESC, i.image_index DESC"

constexpr StatementDefinition kDefinitions[] = {
    {stmt::kUpsertUser,
     "INSERT INTO users (user_id, email, name, subscription_tier, created_at)"
     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE"
     " SET email = EXCLUDED.email, name = EXCLUDED.name"},
    {stmt::kGetUser,
     "SELECT user_id, email, name, subscription_tier, created_at FROM users WHERE user_id = $1"},
    {stmt::kSetUserTier, "UPDATE users SET subscription_tier = $2 WHERE user_id = $1"},
    // A taken id inserts nothing (no unique_violation to abort the transaction on).
    {stmt::kInsertGeneration,
     "INSERT INTO generations (job_id, user_id, prompt, asset_type, quality, model, created_at,"
     " image_count, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
     " ON CONFLICT (job_id) DO NOTHING"},
    {stmt::kInsertImage,
     "INSERT INTO images (job_id, image_index, seed, blob_path, thumbnail_path, bytes,"
     " thumbnail_bytes, width, height, content_type, access_tier, thumbhash, renditions,"
     " rendition_bytes)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
     " ON CONFLICT (job_id, image_index) DO NOTHING"},
    {stmt::kLockJob,
     "SELECT image_count, deleted_at FROM generations WHERE job_id = $1 AND user_id = $2"
     " FOR UPDATE"},
    {stmt::kShareJob,
     "SELECT image_count, deleted_at FROM generations WHERE job_id = $1 AND user_id = $2"
     " FOR SHARE"},
    {stmt::kFindJob,
     "SELECT image_count, deleted_at FROM generations WHERE job_id = $1 AND user_id = $2"},
    {stmt::kBumpImageCount,
     "UPDATE generations SET image_count = image_count + 1 WHERE job_id = $1"},
    {stmt::kImageExists, "SELECT 1 FROM images WHERE job_id = $1 AND image_index = $2"},
    {stmt::kGetGeneration,
     "SELECT " GENERATION_COLUMNS("g.") ", " IMAGE_COLUMNS
     " FROM generations AS g LEFT JOIN images AS i ON i.job_id = g.job_id"
     " WHERE g.job_id = $1 AND g.user_id = $2 ORDER BY i.image_index"},
    {stmt::kHistoryFirst, HISTORY("")},
    {stmt::kHistoryAfter, HISTORY(" AND (created_at, job_id) < ($3, $4)")},
    {stmt::kSoftDelete,
     "UPDATE generations SET deleted_at = $3"
     " WHERE job_id = $1 AND user_id = $2 AND deleted_at IS NULL"},
    {stmt::kRestore,
     "UPDATE generations SET deleted_at = NULL"
     " WHERE job_id = $1 AND user_id = $2 AND deleted_at IS NOT NULL"},
    // Images and favorites go with it (ON DELETE CASCADE).
    {stmt::kPurge, "DELETE FROM generations WHERE job_id = $1 AND user_id = $2"},
    // The image's favorites go with it (ON DELETE CASCADE); the job row stays.
    {stmt::kDeleteImage, "DELETE FROM images WHERE job_id = $1 AND image_index = $2"},
    {stmt::kSetImageCount, "UPDATE generations SET image_count = $2 WHERE job_id = $1"},
    {stmt::kSetImageTier,
     "UPDATE images SET access_tier = $3 WHERE job_id = $1 AND image_index = $2"},
    {stmt::kSetRenditions,
     "UPDATE images SET renditions = $3, rendition_bytes = $4"
     " WHERE job_id = $1 AND image_index = $2"},
    {stmt::kPendingRenditions,
     "SELECT g.user_id, g.job_id, i.image_index, i.blob_path, g.created_at"
     " FROM images AS i JOIN generations AS g ON g.job_id = i.job_id"
     " WHERE i.renditions = 'pending' AND g.deleted_at IS NULL AND g.created_at <= $1"
     " ORDER BY g.created_at, g.job_id, i.image_index LIMIT $2"},
    // A repeat keeps the first created_at: the favorite's place in the list does not jump.
    {stmt::kAddFavorite,
     "INSERT INTO favorites (user_id, job_id, image_index, created_at) VALUES ($1, $2, $3, $4)"
     " ON CONFLICT DO NOTHING"},
    {stmt::kRemoveFavorite,
     "DELETE FROM favorites WHERE user_id = $1 AND job_id = $2 AND image_index = $3"},
    {stmt::kFavoritesFirst, FAVORITES("")},
    {stmt::kFavoritesAfter,
     FAVORITES(" AND (f.created_at, f.job_id, f.image_index) < ($3, $4, $5)")},
    {stmt::kTotals,
     "SELECT COUNT(*), COALESCE(SUM(i.bytes), 0)::BIGINT, COUNT(NULLIF(i.thumbnail_path, '')),"
     " COALESCE(SUM(i.thumbnail_bytes), 0)::BIGINT,"
     // The items of a list are separated by spaces: items = spaces + 1.
     " COALESCE(SUM(CASE WHEN i.renditions IS NULL OR i.renditions IN ('', 'pending') THEN 0"
     " ELSE LENGTH(i.renditions) - LENGTH(REPLACE(i.renditions, ' ', '')) + 1 END), 0)::BIGINT,"
     " COALESCE(SUM(i.rendition_bytes), 0)::BIGINT"
     " FROM generations AS g JOIN images AS i ON i.job_id = g.job_id"
     " WHERE g.user_id = $1 AND g.deleted_at IS NULL"},
    {stmt::kScan,
     "WITH page AS (SELECT " GENERATION_COLUMNS("") " FROM generations"
     " WHERE job_id > $1 ORDER BY job_id LIMIT $2)"
     " SELECT " GENERATION_COLUMNS("p.") ", " IMAGE_COLUMNS
     " FROM page AS p LEFT JOIN images AS i ON i.job_id = p.job_id"
     " ORDER BY p.job_id, i.image_index"},
    // Kept by triggers (postgres_migrations.cc, version 6).
    {stmt::kUserVersion,
     "SELECT COALESCE((SELECT version FROM user_versions WHERE user_id = $1), 0)"},
    {stmt::kReady, "SELECT COUNT(*) FROM schema_migrations"},
};
// clang-format on

}  // namespace

const char* StatementSql(const char* name) {
  using All = std::span<const StatementDefinition>;
  for (All all : {All(kDefinitions), JobStatements()}) {
    for (const StatementDefinition& d : all) {
      if (std::strcmp(d.name, name) == 0) return d.sql;
    }
  }
  return nullptr;
}

void DefineStatements(pqxx::connection_base& connection) {
  for (const StatementDefinition& d : kDefinitions) connection.prepare(d.name, d.sql);
  for (const StatementDefinition& d : JobStatements()) connection.prepare(d.name, d.sql);
}

}  // namespace noisett::catalog::pg
