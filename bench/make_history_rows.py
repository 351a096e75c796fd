#!/usr/bin/python3
"""Adds generated jobs straight into a Noisett SQLite catalog, for bench/serve.sh's history.list
measurement: a catalog of 10k and of 1M rows costs minutes through the API, seconds this way.

Each job gets a time-ordered job id (a ULID, as the server makes them), a prompt, two images and
their thumbnails, laid out as the server lays them out (generated/USER/JOB/image_I.jpg). The
blobs themselves are not written: history.list reads only the catalog and signs links.
The catalog must already exist (start `noisett serve` on it once, which runs the migrations);
the per-user live counts are kept by the schema's own triggers.

Usage: make_history_rows.py CATALOG_FILE USER TOTAL
Adds jobs for USER until the file holds TOTAL generations in all (so 10000 then 1000000 reuses the
first 10k). Prints how many it added and how long it took.
"""
import random
import sqlite3
import sys
import time

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
IMAGES_PER_JOB = 2
BATCH = 20000


def ulid(ms, rng):
    """26 Crockford base32 characters: 48-bit milliseconds, then 80 random bits."""
    value = (ms << 80) | rng.getrandbits(80)
    return "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def rows(user, start, count, rng):
    """Yields (generation, [images]) for jobs start..start+count-1, one second apart."""
    base_s = 1_700_000_000
    for n in range(start, start + count):
        created = base_s + n
        job = ulid(created * 1000, rng)
        generation = (job, user, f"a watercolour fox, study {n}", "image", "medium",
                      "bench-model", created, IMAGES_PER_JOB)
        images = []
        for i in range(IMAGES_PER_JOB):
            prefix = f"generated/{user}/{job}/"
            images.append((job, i, rng.getrandbits(31), f"{prefix}image_{i}.jpg",
                           f"{prefix}thumb_image_{i}.jpg", 180_000 + i, 9_000 + i, 1024, 1024,
                           "image/jpeg"))
        yield generation, images


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[-3])
    path, user, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
    db = sqlite3.connect(path, isolation_level=None)
    if not db.execute("SELECT 1 FROM sqlite_schema WHERE name = 'generations'").fetchone():
        sys.exit(f"{path}: not a Noisett catalog (start noisett serve on it once first)")
    db.execute("PRAGMA synchronous = OFF")
    have = db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    add = max(0, total - have)
    rng = random.Random(have)
    started = time.monotonic()
    db.execute("INSERT INTO users (user_id, created_at) VALUES (?, 0) ON CONFLICT DO NOTHING",
               (user,))
    pending = rows(user, have, add, rng)
    while True:
        batch = [next(pending, None) for _ in range(BATCH)]
        batch = [b for b in batch if b is not None]
        if not batch:
            break
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO generations (job_id, user_id, prompt, asset_type, quality, model,"
            " created_at, image_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (g for g, _ in batch))
        db.executemany(
            "INSERT INTO images (job_id, image_index, seed, blob_path, thumbnail_path, bytes,"
            " thumbnail_bytes, width, height, content_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (image for _, images in batch for image in images))
        db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"added {add} jobs ({add * IMAGES_PER_JOB} images) in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
