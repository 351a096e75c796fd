#!/usr/bin/python3
"""Adds generated jobs straight into a Noisett SQLite catalog, for the history.list benchmarks
(bench/serve.sh, bench/catalog.sh): a catalog of 10k and of 1M rows costs minutes through the
API, seconds this way.

Each job gets a time-ordered job id (26 Crockford base32 characters: the creation time in
milliseconds, as in a ULID, then 64 random bits in hex), a prompt, two images and their
thumbnails, laid out as the server lays them out (generated/USER/JOB/image_I.jpg). The blobs
themselves are not written: history.list reads only the catalog and signs links. USER's job n
(0 = oldest) is created at 1_700_000_000 + n seconds: one second apart, which bench/catalog_bench
relies on to build cursors deep in the history. The rows are made by SQL inside SQLite (a
recursive CTE per batch), not in Python: 1M jobs take seconds, not minutes.

With --others N, other users' jobs are added too (--other-users of them, round robin), spread
over the same seconds as USER's and inserted in time order between them, so USER's rows are
interleaved with everyone else's in the table, as in a shared catalog.

The catalog must already exist (`catalog_bench --init`, or `noisett serve` on it once: either
runs the migrations); the per-user live counts are kept by the schema's own triggers.

Usage: make_history_rows.py CATALOG_FILE USER TOTAL [--others N] [--other-users 1000]
Adds jobs until USER holds TOTAL live jobs (so 10000 then 1000000 reuses the first 10k) and the
other users N in all. Prints how many it added and how long it took.
"""
import argparse
import sqlite3
import sys
import time

BASE_S = 1_700_000_000
IMAGES_PER_JOB = 2
BATCH = 50_000  # USER's jobs per transaction

# The ULID time part: 10 Crockford base32 characters of the milliseconds, most significant first.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TIME_CHARS = " || ".join(
    f"substr('{CROCKFORD}', ((ms >> {5 * i}) & 31) + 1, 1)" for i in reversed(range(10)))

# One batch: USER's jobs [:first, :last) and the others' [:ofirst, :olast), in time order.
# A job of the others' m-th falls in second BASE + m * :ratio (ratio = USER's total / N).
INSERT_GENERATIONS = f"""
WITH RECURSIVE
  mine(n) AS (SELECT :first WHERE :first < :last
              UNION ALL SELECT n + 1 FROM mine WHERE n + 1 < :last),
  theirs(m) AS (SELECT :ofirst WHERE :ofirst < :olast
                UNION ALL SELECT m + 1 FROM theirs WHERE m + 1 < :olast),
  jobs(user_id, n, created_at) AS (
    SELECT :user, n, {BASE_S} + n FROM mine
    UNION ALL
    SELECT printf('other-%04d', m % :other_users), m, {BASE_S} + CAST(m * :ratio AS INTEGER)
      FROM theirs),
  timed AS (SELECT user_id, n, created_at, created_at * 1000 AS ms FROM jobs)
INSERT INTO generations (job_id, user_id, prompt, asset_type, quality, model, created_at,
                         image_count)
SELECT {TIME_CHARS} || hex(randomblob(8)), user_id, 'a watercolour fox, study ' || n, 'image',
       'medium', 'bench-model', created_at, {IMAGES_PER_JOB}
  FROM timed ORDER BY created_at, user_id
"""

INSERT_IMAGES = f"""
INSERT INTO images (job_id, image_index, seed, blob_path, thumbnail_path, bytes, thumbnail_bytes,
                    width, height, content_type)
SELECT g.job_id, i.k, abs(random()) % 2147483648,
       'generated/' || g.user_id || '/' || g.job_id || '/image_' || i.k || '.jpg',
       'generated/' || g.user_id || '/' || g.job_id || '/thumb_image_' || i.k || '.jpg',
       180000 + i.k, 9000 + i.k, 1024, 1024, 'image/jpeg'
  FROM generations AS g,
       (WITH RECURSIVE idx(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM idx
                                  WHERE k + 1 < {IMAGES_PER_JOB}) SELECT k FROM idx) AS i
 WHERE g.rowid > :after
"""


def live_jobs(db, user):
    row = db.execute("SELECT live_jobs FROM user_job_counts WHERE user_id = ?", (user,)).fetchone()
    return row[0] if row else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("catalog")
    parser.add_argument("user")
    parser.add_argument("total", type=int)
    parser.add_argument("--others", type=int, default=0, help="other users' jobs in all")
    parser.add_argument("--other-users", type=int, default=1000)
    args = parser.parse_args()
    if args.total < 1 or args.others < 0 or args.other_users < 1:
        sys.exit("TOTAL must be positive, --others not negative, --other-users positive")

    db = sqlite3.connect(args.catalog, isolation_level=None)
    if not db.execute("SELECT 1 FROM sqlite_schema WHERE name = 'user_job_counts'").fetchone():
        sys.exit(f"{args.catalog}: not a Noisett catalog (run catalog_bench --init on it first)")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")  # 256 MB: the indexes of 2M rows stay in memory
    have = live_jobs(db, args.user)
    have_others = db.execute("SELECT COALESCE(SUM(live_jobs), 0) FROM user_job_counts"
                             " WHERE user_id != ?", (args.user,)).fetchone()[0]
    add, add_others = max(0, args.total - have), max(0, args.others - have_others)
    started = time.monotonic()
    db.execute("INSERT INTO users (user_id, created_at) VALUES (?, 0) ON CONFLICT DO NOTHING",
               (args.user,))
    # The others' jobs are dealt out over USER's batches in proportion, so each batch interleaves.
    ratio = args.total / args.others if args.others else 0.0
    done = done_others = 0
    while done < add or done_others < add_others:
        step = min(BATCH, add - done)
        share = add_others if add == 0 else round((done + step) * add_others / add) - done_others
        db.execute("BEGIN")
        after = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM generations").fetchone()[0]
        db.execute(INSERT_GENERATIONS, {
            "user": args.user, "first": have + done, "last": have + done + step,
            "ofirst": have_others + done_others, "olast": have_others + done_others + share,
            "other_users": args.other_users, "ratio": ratio})
        db.execute(INSERT_IMAGES, {"after": after})
        db.execute("COMMIT")
        done, done_others = done + step, done_others + share
    # No ANALYZE: the server never runs it, so the planner sees what it sees in production.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"added {add} jobs for {args.user} and {add_others} for {args.other_users} other users"
          f" ({(add + add_others) * IMAGES_PER_JOB} images) in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
