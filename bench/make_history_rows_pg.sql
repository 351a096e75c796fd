-- make_history_rows_pg.sql: bench/make_history_rows.py for PostgreSQL. Adds generated jobs
-- straight into a Noisett PostgreSQL catalog, for bench/catalog.sh, all inside the server
-- (generate_series, one INSERT ... SELECT): 2M jobs and 4M images load in about a minute.
--
--   psql URL -v user=bench -v total=1000000 -v others=1000000 -v other_users=1000 \
--        -f bench/make_history_rows_pg.sql
--
-- The same rows as the SQLite script: USER's job n (0 = oldest) created at 1700000000 + n
-- (one second apart, which bench/catalog_bench relies on), a time-ordered 26-character job id
-- (the ULID time part in Crockford base32, then 16 random hex digits), two images each with
-- thumbnails under generated/USER/JOB/; --others jobs of other users spread over the same
-- seconds and inserted in time order between USER's, so the table interleaves them. Adds jobs
-- until USER holds `total` live jobs and the others `others` in all.
--
-- The catalog must exist (catalog_bench --init: PostgresCatalog::Open runs the migrations). The
-- load runs with session_replication_role = replica (superuser): no per-row triggers, neither
-- foreign-key checks nor any counting trigger, since the rows are consistent by construction;
-- user_job_counts is then recomputed from the rows, so it is right whether the catalog keeps it
-- by triggers or in code. VACUUM ANALYZE at the end does what autovacuum would do soon after a
-- load in production (statistics, visibility map).
\set ON_ERROR_STOP on
\timing off
SET session_replication_role = replica;
SET synchronous_commit = off;
SET work_mem = '256MB';
SET maintenance_work_mem = '256MB';

SELECT COALESCE((SELECT live_jobs FROM user_job_counts WHERE user_id = :'user'), 0) AS have \gset
SELECT COALESCE((SELECT SUM(live_jobs) FROM user_job_counts WHERE user_id <> :'user'), 0)
  AS have_others \gset

BEGIN;
INSERT INTO users (user_id, created_at) VALUES (:'user', 0) ON CONFLICT DO NOTHING;

WITH jobs AS (
  SELECT :'user'::text AS user_id, n, 1700000000 + n AS created_at
    FROM generate_series(:have::bigint, :total::bigint - 1) AS n
  UNION ALL
  SELECT 'other-' || lpad((m % :other_users)::text, 4, '0'), m,
         1700000000 + floor(m * (:total::float8 / GREATEST(:others, 1)))::bigint
    FROM generate_series(:have_others::bigint, :others::bigint - 1) AS m
), timed AS (
  SELECT user_id, n, created_at, created_at * 1000 AS ms FROM jobs
), added AS (
  INSERT INTO generations (job_id, user_id, prompt, asset_type, quality, model, created_at,
                           image_count)
  SELECT substr(c, ((ms >> 45) & 31)::int + 1, 1) || substr(c, ((ms >> 40) & 31)::int + 1, 1) ||
         substr(c, ((ms >> 35) & 31)::int + 1, 1) || substr(c, ((ms >> 30) & 31)::int + 1, 1) ||
         substr(c, ((ms >> 25) & 31)::int + 1, 1) || substr(c, ((ms >> 20) & 31)::int + 1, 1) ||
         substr(c, ((ms >> 15) & 31)::int + 1, 1) || substr(c, ((ms >> 10) & 31)::int + 1, 1) ||
         substr(c, ((ms >> 5) & 31)::int + 1, 1) || substr(c, (ms & 31)::int + 1, 1) ||
         upper(substr(md5(random()::text), 1, 16)),
         user_id, 'a watercolour fox, study ' || n, 'image', 'medium', 'bench-model',
         created_at, 2
    FROM timed, (SELECT '0123456789ABCDEFGHJKMNPQRSTVWXYZ'::text AS c) AS alphabet
   ORDER BY created_at, user_id
  RETURNING job_id, user_id
)
INSERT INTO images (job_id, image_index, seed, blob_path, thumbnail_path, bytes, thumbnail_bytes,
                    width, height, content_type)
SELECT a.job_id, i, floor(random() * 2147483647)::bigint,
       'generated/' || a.user_id || '/' || a.job_id || '/image_' || i || '.jpg',
       'generated/' || a.user_id || '/' || a.job_id || '/thumb_image_' || i || '.jpg',
       180000 + i, 9000 + i, 1024, 1024, 'image/jpeg'
  FROM added AS a, generate_series(0, 1) AS i;

INSERT INTO user_job_counts (user_id, live_jobs)
SELECT user_id, COUNT(*) FROM generations WHERE deleted_at IS NULL GROUP BY user_id
ON CONFLICT (user_id) DO UPDATE SET live_jobs = EXCLUDED.live_jobs;
COMMIT;

VACUUM ANALYZE generations;
VACUUM ANALYZE images;
VACUUM ANALYZE user_job_counts;
SELECT format('added %s jobs for %s and %s for %s other users', :total - :have, :'user',
              GREATEST(:others - :have_others, 0), :other_users) AS summary \gset
\echo :summary
