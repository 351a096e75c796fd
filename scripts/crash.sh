#!/usr/bin/env bash
# The crash-safety test: concurrent clients upload while `noisett serve` is killed with SIGKILL
# at random moments and restarted; then nothing acknowledged may be lost and fsck must account
# for what the killed uploads left behind.
#
#   scripts/crash.sh [--backend embedded|azure] [--uploads 1000] [--clients 16] [--kills 10]
#                    [--bin PATH]
#   defaults: embedded, 1000 uploads, 16 clients, 10 kills, NOISETT_BIN or build/release/bin/noisett
#
# Back ends: embedded is the default install (one --data-dir: the local blob store and the SQLite
# catalog in it); azure is Azurite + PostgreSQL. PostgreSQL (scripts/postgres.sh) and Azurite
# (scripts/azurite.sh) are started here unless NOISETT_TEST_PG_URL / NOISETT_TEST_AZURITE_ENDPOINT
# (+ _CA) name running ones (scripts/test.sh shares one of each); on a shared server this run uses
# its own fresh database and container, dropped at the end. Images: 32x32 RGB noise PNGs (3.1 KB,
# tests/scaleout/png.mjs), so 1000 uploads take seconds and the run fits 3 minutes on 2 cores.
# Steps:
#   1. tokens for load-u001..N (one user per client; `noisett token`, re-signed per user by
#      tests/scaleout/tokens.mjs);
#   2. tests/crash/run.mjs load: `noisett serve --auth dev` on a free loopback port fixed for the
#      run; the clients upload until --uploads got a 201 (a failed upload is retried as a new
#      one; about one in four goes into an earlier job of the client's), each 201's image and
#      thumbnail links fetched at once and hashed; meanwhile the server
#      is SIGKILLed --kills times at random points and restarted on the same port (tests/crash/
#      load.mjs). Then, server up: every acknowledged image is in history.list and history.get and
#      its links serve the hashed bytes, no job id twice; the server stops on SIGTERM with 0;
#   3. server stopped: `noisett fsck`, `noisett fsck --repair --grace 0`, `noisett fsck`:
#      no catalog row without its blobs, every finding repaired, then clean
#      (tests/crash/fsck_check.mjs);
#   4. tests/crash/run.mjs verify: the server again, and the check of step 2 again (the repair
#      touched nothing acknowledged).
# Prints a summary: uploads acknowledged, attempts without a 201, kills, fsck findings and
# repairs, wall time. Exit status 0 only when every step passed (1 when a check failed, 2 when
# the set-up failed). Everything started here is stopped by the EXIT trap (also on failure,
# Ctrl-C or SIGTERM), and by a watchdog if this script is killed outright; the work folder (logs,
# ledger, fsck reports) is kept only on failure.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"

backend=embedded
uploads=1000
clients=16
kills=10
NOISETT="${NOISETT_BIN:-$ROOT/build/release/bin/noisett}"

die() {
  echo "crash: $*" >&2
  exit 2
}

usage() {
  sed -n '6,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || usage
  case "$1" in
    --backend) backend=$2 ;;
    --uploads) uploads=$2 ;;
    --clients) clients=$2 ;;
    --kills) kills=$2 ;;
    --bin) NOISETT=$2 ;;
    *) usage ;;
  esac
  shift 2
done
[[ "$uploads" =~ ^[0-9]+$ && "$clients" =~ ^[0-9]+$ && "$kills" =~ ^[0-9]+$ ]] ||
  die "--uploads, --clients and --kills take whole numbers"
((uploads >= clients && clients >= 1 && clients <= 99 && kills <= 100)) ||
  die "--clients 1..99, --uploads at least --clients, --kills 0..100"
[[ "$backend" == embedded || "$backend" == azure ]] || die "--backend embedded|azure"
[[ -x "$NOISETT" ]] || die "$NOISETT missing (cmake --build build/release --target noisett)"
command -v node >/dev/null || die "node is needed"

work=$(mktemp -d /tmp/noisett-crash.XXXXXX)
# shellcheck source-path=SCRIPTDIR source=lib/backends.sh
source "$ROOT/scripts/lib/backends.sh"
watchdog=""          # stops the server if this script dies without its trap (SIGKILL)
passed=""

# The server's pid as tests/crash/server.mjs last wrote it (empty once it stopped).
server_pid() { cat "$work/serve.pid" 2>/dev/null || true; }

# Stops what this run started, in reverse order, whatever happened before.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$child" ]]; then kill "$child" 2>/dev/null || true; fi
  local pid
  pid=$(server_pid)
  if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; fi
  if [[ -n "$watchdog" ]]; then kill "$watchdog" 2>/dev/null || true; fi
  backends_cleanup
  if [[ -n "$passed" ]]; then
    rm -rf "$work"
  else
    echo "crash: logs kept in $work" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SECONDS=0
# The catalog and the store (scripts/lib/backends.sh), exported for the server, fsck and node.
setup_azure_backend() {
  backends_postgres crash
  export NOISETT_CATALOG=$catalog_url
  backends_azurite crash
  export "${store_env[@]}"
  # The links point at Azurite: node must trust its certificate to fetch them.
  export NODE_EXTRA_CA_CERTS="$NOISETT_TEST_AZURITE_CA"
}

# The back end, exported for the server, fsck and the node steps alike. Embedded: nothing but the
# data directory, as a default install.
setup_backend() {
  export NOISETT_DATA_DIR="$work/data"
  mkdir -p "$NOISETT_DATA_DIR"
  unset NOISETT_STORE NOISETT_CATALOG
  if [[ "$backend" == azure ]]; then
    setup_azure_backend
  fi
}

mint_tokens() {
  local template
  template=$("$NOISETT" token --user load-u001 --ttl 1h --data-dir "$NOISETT_DATA_DIR") || die "noisett token failed"
  run_child node "$ROOT/tests/scaleout/tokens.mjs" --data-dir "$NOISETT_DATA_DIR" \
    --template "$template" --users "$clients" >"$work/tokens.txt" || die "token minting failed"
}

# Without the trap (kill -9 of this script) nothing else would stop the server node started.
start_watchdog() {
  (
    while kill -0 $$ 2>/dev/null; do sleep 1; done
    pid=$(server_pid)
    if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; fi
  ) </dev/null >/dev/null 2>&1 &
  watchdog=$!
}

# `noisett fsck` with the server stopped; NAME.json is the report. Status 0 or 1 is a report
# (clean or not); more is a set-up error.
fsck_step() {
  local name=$1 rc=0
  shift
  run_child "$NOISETT" fsck --json "$@" >"$work/$name.json" 2>"$work/$name.log" || rc=$?
  if ((rc > 1)); then
    echo "crash: fsck $* could not run (status $rc): $(tail -5 "$work/$name.log")" >&2
    return 1
  fi
}

run_fsck() {
  fsck_step fsck-before && fsck_step fsck-repair --repair --grace 0 && fsck_step fsck-after &&
    run_child node "$ROOT/tests/crash/fsck_check.mjs" --before "$work/fsck-before.json" \
      --repair "$work/fsck-repair.json" --after "$work/fsck-after.json" \
      --ledger "$work/ledger.json"
}

node_step() {
  local mode=$1
  shift
  run_child node "$ROOT/tests/crash/run.mjs" "$mode" --bin "$NOISETT" --tokens "$work/tokens.txt" \
    --ledger "$work/ledger.json" --log "$work/serve.log" --pid-file "$work/serve.pid" "$@"
}

setup_backend
where="local store + SQLite in $NOISETT_DATA_DIR"
[[ "$backend" == embedded ]] || where="$NOISETT_STORE on Azurite + PostgreSQL"
echo "crash: $backend ($where): $uploads uploads, $clients clients, $kills kills"
mint_tokens
start_watchdog
failures=()
rc=0
node_step load --uploads "$uploads" --clients "$clients" --kills "$kills" || rc=$?
((rc != 2)) || die "the server could not be started: $(tail -5 "$work/serve.log")"
((rc == 0)) || failures+=("load")
[[ -s "$work/ledger.json" ]] || die "the load wrote no ledger"
run_fsck || failures+=("fsck")
node_step verify || failures+=("verify after repair")

if [[ ${#failures[@]} -eq 0 ]]; then
  passed=1
  echo "crash: $backend: passed in $SECONDS s (set-up included)"
else
  echo "crash: $backend: FAILED (${failures[*]}) after $SECONDS s"
  exit 1
fi
