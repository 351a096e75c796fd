// The PostgreSQL schema. Differences from SQLite's, and why:
//   - times, sizes and seeds are BIGINT; keys (job_id, user_id) are TEXT COLLATE "C", so they sort
//     by bytes exactly as SQLite's BINARY collation does: cursors, keyset pages and ScanGenerations
//     order the same on both, whatever the database's default collation;
//   - user_job_counts is kept by one plpgsql trigger function; its INSERT ... ON CONFLICT DO
//     UPDATE takes the user's count row lock, so concurrent writers add up exactly;
//   - no WITHOUT ROWID (PostgreSQL has heaps and indexes only).
// The SQL of a released version never changes: a change is a new version.
#include "catalog/postgres_migrations.h"

#include <pqxx/transaction>

#include <string>

#include "catalog/postgres_errors.h"

namespace noisett::catalog::pg {
namespace {

constexpr const char* kV1Init = R"sql(
CREATE TABLE users (
  user_id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  email             TEXT NOT NULL DEFAULT '',
  name              TEXT NOT NULL DEFAULT '',
  subscription_tier TEXT NOT NULL DEFAULT 'free',
  created_at        BIGINT NOT NULL
);

CREATE TABLE generations (
  job_id      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  user_id     TEXT COLLATE "C" NOT NULL,
  prompt      TEXT NOT NULL,
  asset_type  TEXT NOT NULL,
  quality     TEXT NOT NULL DEFAULT '',
  model       TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL,
  image_count INTEGER NOT NULL DEFAULT 0 CHECK (image_count BETWEEN 0 AND 8),
  deleted_at  BIGINT
);
CREATE INDEX idx_generations_user ON generations (user_id, created_at, job_id)
  WHERE deleted_at IS NULL;

CREATE TABLE images (
  job_id          TEXT COLLATE "C" NOT NULL REFERENCES generations (job_id) ON DELETE CASCADE,
  image_index     INTEGER NOT NULL CHECK (image_index BETWEEN 0 AND 7),
  seed            BIGINT NOT NULL DEFAULT 0,
  blob_path       TEXT NOT NULL,
  thumbnail_path  TEXT NOT NULL DEFAULT '',
  bytes           BIGINT NOT NULL DEFAULT 0,
  thumbnail_bytes BIGINT NOT NULL DEFAULT 0,
  width           INTEGER NOT NULL DEFAULT 0,
  height          INTEGER NOT NULL DEFAULT 0,
  content_type    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (job_id, image_index)
);

CREATE TABLE favorites (
  user_id     TEXT COLLATE "C" NOT NULL,
  job_id      TEXT COLLATE "C" NOT NULL,
  image_index INTEGER NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (user_id, job_id, image_index),
  FOREIGN KEY (job_id, image_index) REFERENCES images (job_id, image_index) ON DELETE CASCADE
);
-- The cascade from images looks favorites up by (job_id, image_index); the list walks the second.
CREATE INDEX idx_favorites_image ON favorites (job_id, image_index);
CREATE INDEX idx_favorites_user ON favorites (user_id, created_at, job_id, image_index);
)sql";

// Version 2: each user's live job count, so history's total_count is one primary-key lookup.
constexpr const char* kV2LiveJobCounts = R"sql(
CREATE TABLE user_job_counts (
  user_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  live_jobs BIGINT NOT NULL
);
INSERT INTO user_job_counts (user_id, live_jobs)
  SELECT user_id, COUNT(*) FROM generations WHERE deleted_at IS NULL GROUP BY user_id;

-- One function for the three triggers: a row that stops being live (deleted, soft-deleted, moved
-- to another user) leaves its old user's count; one that becomes live joins its new user's.
CREATE FUNCTION generations_count_live() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.deleted_at IS NULL THEN
      UPDATE user_job_counts SET live_jobs = live_jobs - 1 WHERE user_id = OLD.user_id;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.deleted_at IS NULL THEN
      INSERT INTO user_job_counts (user_id, live_jobs) VALUES (NEW.user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET live_jobs = user_job_counts.live_jobs + 1;
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER generations_count_insert AFTER INSERT ON generations
  FOR EACH ROW WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION generations_count_live();
CREATE TRIGGER generations_count_delete AFTER DELETE ON generations
  FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION generations_count_live();
CREATE TRIGGER generations_count_update AFTER UPDATE OF deleted_at, user_id ON generations
  FOR EACH ROW
  WHEN ((OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) OR OLD.user_id <> NEW.user_id)
  EXECUTE FUNCTION generations_count_live();
)sql";

// Version 3: the access tier each image's blobs were last seen in; existing images are hot.
// A constant default: PostgreSQL 11+ adds the column without rewriting the table.
constexpr const char* kV3ImageAccessTier = R"sql(
ALTER TABLE images ADD COLUMN access_tier TEXT NOT NULL DEFAULT 'hot';
)sql";

// Version 4: the durable queue of generation jobs (issue 22; postgres_jobs.cc), as SQLite's
// version 4 (migrations.cc says why each index). ClaimJob walks idx_jobs_claim oldest first with
// FOR UPDATE SKIP LOCKED: a job another instance is claiming is passed over, never waited on.
constexpr const char* kV4GenerationJobs = R"sql(
CREATE TABLE jobs (
  job_id              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  user_id             TEXT COLLATE "C" NOT NULL,
  prompt              TEXT NOT NULL,
  asset_type          TEXT NOT NULL,
  quality             TEXT NOT NULL DEFAULT '',
  model               TEXT NOT NULL DEFAULT '',
  generator           TEXT NOT NULL,
  seeds               TEXT NOT NULL,
  requested_images    INTEGER NOT NULL CHECK (requested_images BETWEEN 1 AND 8),
  status              TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  created_at_ms       BIGINT NOT NULL,
  started_at_ms       BIGINT,
  finished_at_ms      BIGINT,
  lease_owner         TEXT NOT NULL DEFAULT '',
  lease_expires_at_ms BIGINT NOT NULL DEFAULT 0,
  attempts            INTEGER NOT NULL DEFAULT 0,
  cancel_requested    BOOLEAN NOT NULL DEFAULT FALSE,
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
ALTER TABLE images ADD COLUMN rendition_bytes BIGINT NOT NULL DEFAULT 0;
CREATE INDEX idx_images_renditions_pending ON images (job_id) WHERE renditions = 'pending';
)sql";

// Version 7: each user's version, as SQLite's version 6 (migrations.cc says what moves it and
// why triggers). The bump is spelled once, bump_user_version(); one trigger function finds the
// user of a row (its user_id column, or for images its generation's). The triggers are deferred
// constraint triggers: the bump runs at commit, after every other lock the transaction takes, so
// the user's version row is always the last lock taken and two writers of one user never wait
// for each other in opposite orders (a deadlock). Still in the transaction: the change and the
// bump commit together.
constexpr const char* kV7UserVersions = R"sql(
CREATE TABLE user_versions (
  user_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL
);

CREATE FUNCTION bump_user_version(uid TEXT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO user_versions (user_id, version) SELECT uid, 1 WHERE uid IS NOT NULL
    ON CONFLICT (user_id) DO UPDATE SET version = user_versions.version + 1
$$;

-- TG_ARGV[0] says where the row's user is: 'user_id' (its own column) or 'job_id' (its
-- generation's user; none once the generation is gone, which bumped the user itself).
CREATE FUNCTION user_version_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_ARGV[0] = 'job_id' THEN
    IF TG_OP <> 'INSERT' THEN
      PERFORM bump_user_version(g.user_id) FROM generations AS g WHERE g.job_id = OLD.job_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.job_id IS DISTINCT FROM OLD.job_id) THEN
      PERFORM bump_user_version(g.user_id) FROM generations AS g WHERE g.job_id = NEW.job_id;
    END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN
      PERFORM bump_user_version(OLD.user_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
      PERFORM bump_user_version(NEW.user_id);
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER generations_version AFTER INSERT OR UPDATE OR DELETE ON generations
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION user_version_row('user_id');
CREATE CONSTRAINT TRIGGER images_version AFTER INSERT OR UPDATE OR DELETE ON images
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION user_version_row('job_id');
CREATE CONSTRAINT TRIGGER favorites_version AFTER INSERT OR UPDATE OR DELETE ON favorites
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION user_version_row('user_id');
CREATE CONSTRAINT TRIGGER jobs_version AFTER INSERT OR DELETE ON jobs
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION user_version_row('user_id');
CREATE CONSTRAINT TRIGGER jobs_version_status AFTER UPDATE OF status, user_id ON jobs
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION user_version_row('user_id');
CREATE CONSTRAINT TRIGGER users_version AFTER UPDATE ON users
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.email IS DISTINCT FROM NEW.email OR OLD.name IS DISTINCT FROM NEW.name
        OR OLD.subscription_tier IS DISTINCT FROM NEW.subscription_tier)
  EXECUTE FUNCTION user_version_row('user_id');
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
  applied_at BIGINT NOT NULL
))sql";

}  // namespace

std::span<const Migration> PostgresMigrations() { return kMigrations; }

Status Migrate(pqxx::connection& connection, const ConnInfo& info, int64_t now) {
  static_assert(std::size(kMigrations) == 7, "keep in step with SqliteMigrations()");
  try {
    pqxx::work tx(connection);
    // DDL on a large table, or waiting while another instance migrates, may take longer than a
    // request's statement timeout; bounded all the same, so a wedged server fails start-up.
    tx.exec("SET LOCAL statement_timeout = '5min'");
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
    tx.exec(kCreateMigrationsTable);
    const int current =
        tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].as<int>();
    if (current > LatestSchemaVersion()) return Unexpected(SchemaTooNew(current));
    for (const Migration& migration : kMigrations) {
      if (migration.version <= current) continue;
      tx.exec(migration.sql);
      tx.exec_params("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                     migration.version, migration.name, now);
    }
    tx.commit();
    return Ok();
  } catch (const std::exception& e) {
    return Unexpected(PgError(e, info));
  }
}

}  // namespace noisett::catalog::pg
