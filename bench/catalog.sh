#!/usr/bin/env bash
# history.list's catalog query at two sizes, on SQLite and on PostgreSQL, in one run (issue 7):
# Catalog::ListGenerations (limit 50, what history.list calls) through bench/catalog_bench on
# catalogs where one user holds 10k and 1M jobs (two images each) among other users' jobs
# (as many again by default, spread over 1000 users and interleaved in time and in the table).
# Scenarios: the first page, pages 2..20 by next_cursor, and 8 pages spread over the whole
# history by cursor. Target: p99 at 1M <= 2x p99 at 10k, on both backends.
#
# Rows go straight into the catalogs (bench/make_history_rows.py for SQLite,
# bench/make_history_rows_pg.sql for PostgreSQL), after catalog_bench --init ran the migrations.
# PostgreSQL is a private server (scripts/postgres.sh: loopback, fsync off, shared_buffers 64MB),
# one database per size; the SQLite catalogs are files in a scratch directory. Every catalog
# stays in place for the whole run and the measurements go round robin (--rounds rounds of
# every backend and size), each figure being the median over rounds, so drift in the machine's
# load hits every row alike. catalog_bench checks every page it gets (see its header).
#
# Usage: bench/catalog.sh [--build build/release] [--rows 10000,1000000] [--others same]
#                         [--iterations 2000] [--rounds 5] [--threads 1]
#                         [--backends sqlite,postgresql] [--explain]
# --others: other users' jobs in each catalog ("same" = as many as the user's). --explain prints
# the plans PostgreSQL ran for the history query on the largest catalog (auto_explain, ANALYZE).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BUILD=build/release
ROWS=(10000 1000000)
OTHERS=same
ITERATIONS=2000
ROUNDS=5
THREADS=1
BACKENDS=(sqlite postgresql)
EXPLAIN=
TARGET=2.0
USER_ID=bench

USAGE_UNTIL=--backends
# shellcheck source-path=SCRIPTDIR source=usage.sh
source bench/usage.sh

while (($#)); do
  case $1 in
    --build) BUILD=${2:?--build needs a directory}; shift 2 ;;
    --rows) IFS=, read -r -a ROWS <<<"${2:?--rows needs two counts}"; shift 2 ;;
    --others) OTHERS=${2:?--others needs a count or "same"}; shift 2 ;;
    --iterations) ITERATIONS=${2:?--iterations needs a number}; shift 2 ;;
    --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
    --threads) THREADS=${2:?--threads needs a number}; shift 2 ;;
    --backends) IFS=, read -r -a BACKENDS <<<"${2:?--backends needs a list}"; shift 2 ;;
    --explain) EXPLAIN=1; shift ;;
    -h | --help) usage 0 ;;
    *) echo "catalog: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
for n in "$ITERATIONS" "$ROUNDS" "$THREADS"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "catalog: '$n' is not a positive integer" >&2; exit 2; }
done
if ! { ((${#ROWS[@]} == 2)) && [[ ${ROWS[0]} =~ ^[1-9][0-9]*$ && ${ROWS[1]} =~ ^[1-9][0-9]*$ ]] &&
  ((ROWS[0] >= 1000 && ROWS[0] < ROWS[1])); }; then
  echo "catalog: --rows needs two increasing counts, the first at least 1000" >&2
  exit 2
fi
[[ $OTHERS == same || $OTHERS =~ ^(0|[1-9][0-9]*)$ ]] ||
  { echo "catalog: --others needs a count or 'same'" >&2; exit 2; }
((${#BACKENDS[@]} > 0)) || { echo "catalog: --backends is empty" >&2; exit 2; }
for b in "${BACKENDS[@]}"; do
  [[ $b =~ ^(sqlite|postgresql)$ ]] || { echo "catalog: unknown backend '$b'" >&2; exit 2; }
done

note() { echo "catalog: $*" >&2; }
die() { note "$*"; exit 1; }
has_backend() { [[ " ${BACKENDS[*]} " == *" $1 "* ]]; }

[[ -f $BUILD/CMakeCache.txt ]] || die "$BUILD is not configured: cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release"
if has_backend postgresql; then command -v psql >/dev/null || die "psql is missing (scripts/setup.sh)"; fi
# Only our target: the rest of the project may be mid-change.
build_log=$(mktemp)
if ! cmake --build "$BUILD" --target catalog_bench >"$build_log" 2>&1; then
  tail -n 15 "$build_log" >&2
  rm -f "$build_log"
  die "building catalog_bench in $BUILD failed"
fi
rm -f "$build_log"
BENCH=$BUILD/bin/catalog_bench
[[ -x $BENCH ]] || die "$BENCH not found (configured with NOISETT_BUILD_BENCH=OFF?)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/noisett-catalog-bench.XXXXXX")
PG_DIR=
cleanup() {
  [[ -n $PG_DIR ]] && { scripts/postgres.sh stop "$PG_DIR" || true; rm -rf "$PG_DIR"; }
  rm -rf "$WORK"
}
trap cleanup EXIT

PG_URL=
if has_backend postgresql; then
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/noisett-catalog-bench-pg.XXXXXX")  # postgres must reach it
  note "starting PostgreSQL in $PG_DIR"
  pg_env=$(scripts/postgres.sh start "$PG_DIR" $$) || die "scripts/postgres.sh start failed"
  eval "$pg_env"
  PG_URL=${NOISETT_TEST_PG_URL:?scripts/postgres.sh printed no URL}
fi

# catalog_url BACKEND ROWS: where that catalog lives.
catalog_url() {
  if [[ $1 == sqlite ]]; then echo "sqlite://$WORK/catalog-$2.db"; else echo "${PG_URL%/postgres}/bench_$2"; fi
}

others_for() { if [[ $OTHERS == same ]]; then echo "$1"; else echo "$OTHERS"; fi; }

# seed BACKEND ROWS: creates and migrates the catalog, then loads the rows; notes how long.
seed() {
  local backend=$1 rows=$2 url others start made
  url=$(catalog_url "$backend" "$rows")
  others=$(others_for "$rows")
  start=$(date +%s.%N)
  if [[ $backend == postgresql ]]; then
    psql -q -X "$PG_URL" -c "CREATE DATABASE bench_$rows" || die "CREATE DATABASE bench_$rows failed"
  fi
  "$BENCH" --catalog "$url" --init || die "catalog_bench --init on the $backend catalog failed"
  if [[ $backend == sqlite ]]; then
    made=$(/usr/bin/python3 bench/make_history_rows.py "${url#sqlite://}" "$USER_ID" "$rows" \
      --others "$others") || die "make_history_rows.py failed"
  else
    made=$(psql -q -X "$url" -v user="$USER_ID" -v total="$rows" -v others="$others" \
      -v other_users=1000 -f bench/make_history_rows_pg.sql) || die "make_history_rows_pg.sql failed"
  fi
  note "$backend, $rows jobs: $made; $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }') s with migrations"
}

# measure BACKEND ROWS: one catalog_bench run; appends "p50 p99 mean" to WORK/BACKEND-ROWS-SCENARIO.
measure() {
  local backend=$1 rows=$2 out scenario calls p50 p99 mean
  out=$("$BENCH" --catalog "$(catalog_url "$backend" "$rows")" --user "$USER_ID" \
    --expect-total "$rows" --iterations "$ITERATIONS" --threads "$THREADS") ||
    die "catalog_bench failed on the $backend catalog of $rows jobs"
  while IFS=$'\t' read -r scenario calls p50 p99 mean; do
    ((calls == ITERATIONS)) || die "$backend $rows $scenario: $calls calls, expected $ITERATIONS"
    echo "$p50 $p99 $mean" >>"$WORK/$backend-$rows-$scenario"
  done <<<"$out"
  printf ' %s/%s' "$backend" "$rows" >&2
}

# median FILE COLUMN (1 = p50, 2 = p99, 3 = mean)
median() {
  awk -v col="$2" '{ print $col }' "$1" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# explain_plans ROWS: the plans PostgreSQL ran for the history query (auto_explain, with ANALYZE
# and BUFFERS) during a short catalog_bench run on that catalog; prints them from the server log.
explain_plans() {
  local rows=$1 db=bench_$1 log=$PG_DIR/postgres.log from
  psql -q -X "$PG_URL" -c "ALTER DATABASE $db SET session_preload_libraries = 'auto_explain'" \
    -c "ALTER DATABASE $db SET auto_explain.log_min_duration = 0" \
    -c "ALTER DATABASE $db SET auto_explain.log_analyze = on" \
    -c "ALTER DATABASE $db SET auto_explain.log_buffers = on" || die "could not enable auto_explain"
  from=$(($(stat -c %s "$log") + 1))
  "$BENCH" --catalog "$(catalog_url postgresql "$rows")" --user "$USER_ID" --expect-total "$rows" \
    --iterations 20 --warmup 0 --pages 2 >/dev/null || die "catalog_bench failed under auto_explain"
  psql -q -X "$PG_URL" -c "ALTER DATABASE $db RESET ALL" || die "could not reset $db"
  # One plan: a "LOG:  duration: ... plan:" line, then its tab-indented lines. Keep those of the
  # history page query (FROM generations ... ORDER BY), one of each distinct shape.
  tail -c "+$from" "$log" | awk -v q="'" '
    /LOG:  duration: .* plan:/ { flush(); inplan = 1; block = ""; next }
    inplan && /^\t/ { block = block $0 "\n"; next }
    { flush() }
    END { flush() }
    function flush(  shape) {
      if (inplan && block ~ /FROM generations/ && block ~ /ORDER BY/) {
        shape = block; gsub(q "[^" q "]*" q, "?", shape); gsub(/[0-9]+(\.[0-9]+)?/, "#", shape)
        if (!(shape in seen)) { seen[shape] = 1; printf "%s\n", block }
      }
      inplan = 0
    }'
}

for backend in "${BACKENDS[@]}"; do
  for rows in "${ROWS[@]}"; do seed "$backend" "$rows"; done
done

for ((round = 1; round <= ROUNDS; round++)); do
  printf 'round %d/%d:' "$round" "$ROUNDS" >&2
  for backend in "${BACKENDS[@]}"; do
    for rows in "${ROWS[@]}"; do measure "$backend" "$rows"; done
  done
  echo >&2
done

SCENARIOS=(first walk deep)
pair() { printf '%.3f / %.3f' "$(median "$1" 1)" "$(median "$1" 2)"; }
ratio() { awk -v a="$(median "$1" 2)" -v b="$(median "$2" 2)" 'BEGIN { printf "%.2f", a / b }'; }

echo
echo "Catalog::ListGenerations (history.list, limit 50): user '$USER_ID' with ${ROWS[0]} and ${ROWS[1]} jobs," \
  "2 images each, other users' jobs: $OTHERS (over 1000 users)"
echo "$(nproc) cores, $(uname -m); $THREADS thread(s); medians of $ROUNDS rounds of $ITERATIONS calls per scenario;" \
  "tree $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)');" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
if has_backend postgresql; then echo "PostgreSQL $(psql -X -At "$PG_URL" -c 'SHOW server_version')"; fi
if has_backend sqlite; then echo "SQLite $(/usr/bin/python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')"; fi
echo
echo "| backend | jobs | first page p50 / p99 ms | pages 2-20 p50 / p99 ms | deep pages p50 / p99 ms | p99 vs ${ROWS[0]} (first / 2-20 / deep) | target <= ${TARGET}x |"
echo "|---|---|---|---|---|---|---|"
MISSED=0
for backend in "${BACKENDS[@]}"; do
  small=${ROWS[0]}
  for rows in "${ROWS[@]}"; do
    cells=() ratios=() verdict=""
    for s in "${SCENARIOS[@]}"; do
      cells+=("$(pair "$WORK/$backend-$rows-$s")")
      ratios+=("$(ratio "$WORK/$backend-$rows-$s" "$WORK/$backend-$small-$s")x")
    done
    if ((rows != small)); then
      verdict=met
      for r in "${ratios[@]}"; do
        awk -v r="${r%x}" -v t="$TARGET" 'BEGIN { exit !(r <= t) }' || verdict=MISSED
      done
      [[ $verdict == met ]] || MISSED=1
      ratio_cell="${ratios[0]} / ${ratios[1]} / ${ratios[2]}"
    else
      ratio_cell=""
    fi
    echo "| $backend | $rows | ${cells[0]} | ${cells[1]} | ${cells[2]} | $ratio_cell | $verdict |"
  done
done

if [[ -n $EXPLAIN ]] && has_backend postgresql; then
  echo
  echo "PostgreSQL plans of the history query, catalog of ${ROWS[1]} jobs (auto_explain, ANALYZE):"
  echo
  plans=$(explain_plans "${ROWS[1]}")
  echo "$plans"
  # What keeps the cost flat: the page walks the partial index backwards, never the whole table.
  if grep -q 'Index Scan Backward using idx_generations_user' <<<"$plans" &&
    ! grep -q 'Seq Scan on generations' <<<"$plans"; then
    echo "plan check: every history page walks idx_generations_user backwards (no scan of generations)"
  else
    echo "plan check: FAILED, a history page does not walk idx_generations_user (see above)"
    MISSED=1
  fi
fi
((MISSED == 0)) || note "a target was missed"
