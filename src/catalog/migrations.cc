// The SQLite schema, version by version, and the runner that applies what is missing.
// Times are INTEGER seconds since the epoch (milliseconds in the jobs table, version 4). Jobs and
// images cascade: purging a generation removes its images, and removing an image removes the
// favorites that point at it.
#include "catalog/migrations.h"

#include <string>

namespace noisett::catalog {
namespace {

// Version 1: the design document's generations and favorites, plus images and users.
// idx_generations_user is the design's (user_id, created_at) index, extended by job_id (the
// tie-break of the keyset order) and limited to live rows. The history page walks it in order from
// the cursor (no sort step) and reads the table only for the rows it returns; the total count
// never touches the table, since the index's own WHERE already answers deleted_at IS NULL.
// images and favorites are WITHOUT ROWID: small rows always reached by their primary key.
constexpr const char* kV1Init = R"sql(
CREATE TABLE users (
  user_id           TEXT NOT NULL PRIMARY KEY,
  email             TEXT NOT NULL DEFAULT '',
  name              TEXT NOT NULL DEFAULT '',
  subscription_tier TEXT NOT NULL DEFAULT 'free',
  created_at        INTEGER NOT NULL
);

CREATE TABLE generations (
  job_id      TEXT NOT NULL PRIMARY KEY,
  user_id     TEXT NOT NULL,
  prompt      TEXT NOT NULL,
  asset_type  TEXT NOT NULL,
  quality     TEXT NOT NULL DEFAULT '',
  model       TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  image_count INTEGER NOT NULL DEFAULT 0 CHECK (image_count BETWEEN 0 AND 8),
  deleted_at  INTEGER
);
CREATE INDEX idx_generations_user ON generations (user_id, created_at, job_id)
  WHERE deleted_at IS NULL;

CREATE TABLE images (
  job_id          TEXT NOT NULL REFERENCES generations (job_id) ON DELETE CASCADE,
  image_index     INTEGER NOT NULL CHECK (image_index BETWEEN 0 AND 7),
  seed            INTEGER NOT NULL DEFAULT 0,
  blob_path       TEXT NOT NULL,
  thumbnail_path  TEXT NOT NULL DEFAULT '',
  bytes           INTEGER NOT NULL DEFAULT 0,
  thumbnail_bytes INTEGER NOT NULL DEFAULT 0,
  width           INTEGER NOT NULL DEFAULT 0,
  height          INTEGER NOT NULL DEFAULT 0,
  content_type    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (job_id, image_index)
) WITHOUT ROWID;

CREATE TABLE favorites (
  user_id     TEXT NOT NULL,
  job_id      TEXT NOT NULL,
  image_index INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (user_id, job_id, image_index),
  FOREIGN KEY (job_id, image_index) REFERENCES images (job_id, image_index) ON DELETE CASCADE
) WITHOUT ROWID;
-- The cascade from images looks favorites up by (job_id, image_index); the list walks the second.
CREATE INDEX idx_favorites_image ON favorites (job_id, image_index);
CREATE INDEX idx_favorites_user ON favorites (user_id, created_at, job_id, image_index);
)sql";

// Version 2: each user's live job count, kept by triggers, so history's total_count is one lookup
// instead of a walk over the user's index entries (measured: 250 ms for a user with 1M jobs).
// Triggers rather than code keep it right for every writer, rows generated straight into the
// file included. The seed row is made with NOT EXISTS, not INSERT OR IGNORE: inside a trigger an
// outer statement's OR clause would override ours.
constexpr const char* kV2LiveJobCounts = R"sql(
CREATE TABLE user_job_counts (
  user_id   TEXT NOT NULL PRIMARY KEY,
  live_jobs INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO user_job_counts (user_id, live_jobs)
  SELECT user_id, COUNT(*) FROM generations WHERE deleted_at IS NULL GROUP BY user_id;

CREATE TRIGGER generations_count_insert AFTER INSERT ON generations
  WHEN NEW.deleted_at IS NULL
BEGIN
  INSERT INTO user_job_counts (user_id, live_jobs) SELECT NEW.user_id, 0
    WHERE NOT EXISTS (SELECT 1 FROM user_job_counts WHERE user_id = NEW.user_id);
  UPDATE user_job_counts SET live_jobs = live_jobs + 1 WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER generations_count_delete AFTER DELETE ON generations
  WHEN OLD.deleted_at IS NULL
BEGIN
  UPDATE user_job_counts SET live_jobs = live_jobs - 1 WHERE user_id = OLD.user_id;
END;

CREATE TRIGGER generations_count_update AFTER UPDATE OF deleted_at, user_id ON generations
  WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL) OR OLD.user_id != NEW.user_id
BEGIN
  UPDATE user_job_counts SET live_jobs = live_jobs - 1
    WHERE user_id = OLD.user_id AND OLD.deleted_at IS NULL;
  INSERT INTO user_job_counts (user_id, live_jobs) SELECT NEW.user_id, 0
    WHERE NEW.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM user_job_counts WHERE user_id = NEW.user_id);
  UPDATE user_job_counts SET live_jobs = live_jobs + 1
    WHERE user_id = NEW.user_id AND NEW.deleted_at IS NULL;
END;
)sql";

// Version 3: the access tier each image's blobs were last seen in (issue 8: lifecycle tiers).
// Images made before it are in the tier every upload starts in, hot.
constexpr const char* kV3ImageAccessTier = R"sql(
ALTER TABLE images ADD COLUMN access_tier TEXT NOT NULL DEFAULT 'hot';
)sql";

// Version 4: the durable queue of generation jobs (issue 22; job_queue.h, sqlite_jobs.cc). A job
// and its generation share an id but no foreign key: the job outlives a generation that ended
// empty. Times are milliseconds (leases are seconds long). seeds and predictions are text lists
// (job_rows.h); requested_images is the seeds' count, so the quota's sum needs no parsing.
// idx_jobs_claim holds only unfinished jobs, in claim order: a claim walks it oldest first and
// stops at the first it may take, however many finished jobs pile up. idx_jobs_user_unfinished
// does the same for one user's list and active count; idx_jobs_user_created is the quota window;
// idx_jobs_status counts the jobs of one status (the instance's queue limit).
constexpr const char* kV4GenerationJobs = R"sql(
CREATE TABLE jobs (
  job_id              TEXT NOT NULL PRIMARY KEY,
  user_id             TEXT NOT NULL,
  prompt              TEXT NOT NULL,
  asset_type          TEXT NOT NULL,
  quality             TEXT NOT NULL DEFAULT '',
  model               TEXT NOT NULL DEFAULT '',
  generator           TEXT NOT NULL,
  seeds               TEXT NOT NULL,
  requested_images    INTEGER NOT NULL CHECK (requested_images BETWEEN 1 AND 8),
  status              TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  created_at_ms       INTEGER NOT NULL,
  started_at_ms       INTEGER,
  finished_at_ms      INTEGER,
  lease_owner         TEXT NOT NULL DEFAULT '',
  lease_expires_at_ms INTEGER NOT NULL DEFAULT 0,
  attempts            INTEGER NOT NULL DEFAULT 0,
  cancel_requested    INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
  predictions         TEXT NOT NULL DEFAULT '',
  error_code          TEXT NOT NULL DEFAULT '',
  error_message       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_jobs_claim ON jobs (created_at_ms, job_id)
  WHERE status IN ('queued', 'running');
CREATE INDEX idx_jobs_user_unfinished ON jobs (user_id, created_at_ms, job_id)
  WHERE status IN ('queued', 'running');
CREATE INDEX idx_jobs_user_created ON jobs (user_id, created_at_ms);
CREATE INDEX idx_jobs_status ON jobs (status);
)sql";

// Version 5: each image's ThumbHash (issue 23: placeholders), base64; '' for images stored
// before it.
constexpr const char* kV5ImageThumbHash = R"sql(
ALTER TABLE images ADD COLUMN thumbhash TEXT NOT NULL DEFAULT '';
)sql";

// Version 6: each image's renditions (issue 23; rendition_column.h): NULL for images stored
// before them, "pending" until made, then the list; rendition_bytes their sum for Totals. The
// partial index keeps the sweep for pending renditions off the full table.
constexpr const char* kV6ImageRenditions = R"sql(
ALTER TABLE images ADD COLUMN renditions TEXT;
ALTER TABLE images ADD COLUMN rendition_bytes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_images_renditions_pending ON images (job_id) WHERE renditions = 'pending';
)sql";

// Version 7: each user's version (issue 23: reused list answers, service/list_answers.h). It moves
// in the same transaction as every change to what the user's history and favorites show, so an
// instance that kept an answer under one version knows it is stale as soon as another instance,
// process or tool commits a change: one primary-key read per request. Triggers rather than code
// keep it right for every writer (rows written straight into the file included), and a write
// added later to these tables moves it without anyone remembering to. The bump is spelled once,
// as the INSTEAD OF trigger of the view user_version_bump: a trigger bumps a user by inserting
// the id there (no row, as for an image whose generation is already gone: no bump).
//   - jobs move it only when their status changes (history shows queued and running jobs):
//     lease renewals and recorded predictions, every few seconds per running job, do not;
//   - a user row moves it when its email, name or subscription tier changes, not on an upsert
//     that changes nothing (every upload upserts its caller).
// A table an answer reads needs its triggers here: SqliteCatalogTest.EveryTableMovesTheUserVersion
// fails for a table without them.
constexpr const char* kV7UserVersions = R"sql(
CREATE TABLE user_versions (
  user_id TEXT NOT NULL PRIMARY KEY,
  version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE VIEW user_version_bump AS SELECT user_id FROM user_versions WHERE 0;
CREATE TRIGGER user_version_bump INSTEAD OF INSERT ON user_version_bump
  WHEN NEW.user_id IS NOT NULL
BEGIN
  INSERT INTO user_versions (user_id, version) SELECT NEW.user_id, 0
    WHERE NOT EXISTS (SELECT 1 FROM user_versions WHERE user_id = NEW.user_id);
  UPDATE user_versions SET version = version + 1 WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER generations_version_insert AFTER INSERT ON generations
BEGIN
  INSERT INTO user_version_bump (user_id) VALUES (NEW.user_id);
END;
CREATE TRIGGER generations_version_update AFTER UPDATE ON generations
BEGIN
  INSERT INTO user_version_bump (user_id) SELECT NEW.user_id UNION SELECT OLD.user_id;
END;
CREATE TRIGGER generations_version_delete AFTER DELETE ON generations
BEGIN
  INSERT INTO user_version_bump (user_id) VALUES (OLD.user_id);
END;

CREATE TRIGGER images_version_insert AFTER INSERT ON images
BEGIN
  INSERT INTO user_version_bump (user_id)
    SELECT user_id FROM generations WHERE job_id = NEW.job_id;
END;
CREATE TRIGGER images_version_update AFTER UPDATE ON images
BEGIN
  INSERT INTO user_version_bump (user_id)
    SELECT user_id FROM generations WHERE job_id IN (NEW.job_id, OLD.job_id);
END;
CREATE TRIGGER images_version_delete AFTER DELETE ON images
BEGIN
  INSERT INTO user_version_bump (user_id)
    SELECT user_id FROM generations WHERE job_id = OLD.job_id;
END;

CREATE TRIGGER favorites_version_insert AFTER INSERT ON favorites
BEGIN
  INSERT INTO user_version_bump (user_id) VALUES (NEW.user_id);
END;
CREATE TRIGGER favorites_version_update AFTER UPDATE ON favorites
BEGIN
  INSERT INTO user_version_bump (user_id) SELECT NEW.user_id UNION SELECT OLD.user_id;
END;
CREATE TRIGGER favorites_version_delete AFTER DELETE ON favorites
BEGIN
  INSERT INTO user_version_bump (user_id) VALUES (OLD.user_id);
END;

CREATE TRIGGER jobs_version_insert AFTER INSERT ON jobs
BEGIN
  INSERT INTO user_version_bump (user_id) VALUES (NEW.user_id);
END;
CREATE TRIGGER jobs_version_update AFTER UPDATE OF status, user_id ON jobs
  WHEN OLD.status IS NOT NEW.status OR OLD.user_id IS NOT NEW.user_id
BEGIN
  INSERT INTO user_version_bump (user_id) SELECT NEW.user_id UNION SELECT OLD.user_id;
END;
CREATE TRIGGER jobs_version_delete AFTER DELETE ON jobs
BEGIN
  INSERT INTO user_version_bump (user_id) VALUES (OLD.user_id);
END;

CREATE TRIGGER users_version_update AFTER UPDATE ON users
  WHEN OLD.email IS NOT NEW.email OR OLD.name IS NOT NEW.name
    OR OLD.subscription_tier IS NOT NEW.subscription_tier
BEGIN
  INSERT INTO user_version_bump (user_id) VALUES (NEW.user_id);
END;
)sql";

constexpr Migration kMigrations[] = {
    {1, "init", kV1Init},
    {2, "live_job_counts", kV2LiveJobCounts},
    {3, "image_access_tier", kV3ImageAccessTier},
    {4, "generation_jobs", kV4GenerationJobs},
    {5, "image_thumbhash", kV5ImageThumbHash},
    {6, "image_renditions", kV6ImageRenditions},
    {7, "user_versions", kV7UserVersions},
};

constexpr const char* kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER NOT NULL PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
))sql";

Result<int> MaxVersion(sqlite::Db& db) {
  auto stmt = db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!stmt) return Unexpected(stmt.error());
  auto row = stmt->Step();
  if (!row) return Unexpected(row.error());
  return static_cast<int>(stmt->Int64(0));
}

Status Apply(sqlite::Db& db, const Migration& migration, int64_t now) {
  if (auto s = db.Exec(migration.sql); !s) return s;
  auto stmt =
      db.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)");
  if (!stmt) return Unexpected(stmt.error());
  if (auto s = stmt->Bind({int64_t{migration.version}, migration.name, now}); !s) return s;
  return stmt->Run();
}

}  // namespace

std::span<const Migration> SqliteMigrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Error SchemaTooNew(int version) {
  return MakeError(ErrorCode::kUnsupported, "schema_too_new",
                   "catalog schema version " + std::to_string(version) +
                       " is newer than this build knows (" +
                       std::to_string(LatestSchemaVersion()) + "); run a newer noisett");
}

Status MigrateSqlite(sqlite::Db& db, int64_t now) {
  auto txn = sqlite::Transaction::Begin(db, sqlite::Transaction::Kind::kWrite);
  if (!txn) return Unexpected(txn.error());
  if (auto s = db.Exec(kCreateMigrationsTable); !s) return s;
  auto current = MaxVersion(db);
  if (!current) return Unexpected(current.error());
  if (*current > LatestSchemaVersion()) {
    return Unexpected(SchemaTooNew(*current));
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *current) continue;
    if (auto s = Apply(db, migration, now); !s) return s;
  }
  return txn->Commit();
}

Result<int> SqliteSchemaVersion(sqlite::Db& db) {
  auto exists = db.Prepare(
      "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'");
  if (!exists) return Unexpected(exists.error());
  auto row = exists->Step();
  if (!row) return Unexpected(row.error());
  if (exists->Int64(0) == 0) return 0;
  return MaxVersion(db);
}

}  // namespace noisett::catalog
