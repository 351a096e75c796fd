#!/usr/bin/python3
"""Copies a Noisett SQLite catalog's live jobs into the design documents' schema, for the FastAPI
reference app (bench/reference/app.py): the same jobs, prompts, dates and image counts, so both
servers answer history.list from the same data.

The schema is design-documents/002's "Database Schema" as written (generations, favorites and
idx_generations_user), created_at stored as SQLite DATETIME text ("YYYY-MM-DD HH:MM:SS" UTC).

Usage: export_rows.py NOISETT_CATALOG REFERENCE_DB
Replaces REFERENCE_DB. Prints the number of jobs copied.
"""
import os
import sqlite3
import sys

SCHEMA = """
CREATE TABLE generations (
    job_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    prompt TEXT NOT NULL,
    asset_type TEXT NOT NULL,
    quality TEXT,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    image_count INTEGER
);

CREATE TABLE favorites (
    user_id TEXT NOT NULL,
    job_id TEXT NOT NULL,
    image_index INTEGER NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_id, job_id, image_index)
);

CREATE INDEX idx_generations_user ON generations(user_id, created_at);
"""


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-2])
    source, target = sys.argv[1:]
    if os.path.exists(target):
        os.remove(target)
    db = sqlite3.connect(target, isolation_level=None)
    db.executescript(SCHEMA)
    db.execute("ATTACH DATABASE ? AS noisett", (source,))
    db.execute("BEGIN")
    db.execute("""
        INSERT INTO generations (job_id, user_id, prompt, asset_type, quality, created_at,
                                 image_count)
        SELECT job_id, user_id, prompt, asset_type, quality,
               datetime(created_at, 'unixepoch'), image_count
          FROM noisett.generations WHERE deleted_at IS NULL""")
    db.execute("COMMIT")
    (copied,) = db.execute("SELECT COUNT(*) FROM generations").fetchone()
    db.execute("DETACH DATABASE noisett")
    db.close()
    print(copied)


if __name__ == "__main__":
    main()
