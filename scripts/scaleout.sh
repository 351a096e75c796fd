#!/usr/bin/env bash
# The scale-out test: K `noisett serve` instances on one PostgreSQL catalog and one Azure container
# (Azurite), N virtual users for S seconds against random instances, then the consistency checks.
#
#   scripts/scaleout.sh [--duration S] [--users N] [--instances K]
#                       [--catalog postgres|sqlite] [--store azurite|local] [--build DIR]
#   defaults: 60 s, 200 users, 3 instances, postgres, azurite, build/release
#
# PostgreSQL (scripts/postgres.sh) and Azurite (scripts/azurite.sh) are started here unless
# NOISETT_TEST_PG_URL / NOISETT_TEST_AZURITE_ENDPOINT (+ _CA) name running ones (scripts/test.sh
# shares one of each between suites); on a shared server this run uses its own fresh database
# and container, dropped at the end. The instances share one --data-dir, so the dev issuer's key
# (and, on the local store, the link key) is the same for all: a token minted once is accepted
# by every instance. Steps:
#   1. tokens for load-u001..N (`noisett token`, re-signed per user by tests/scaleout/tokens.mjs),
#      K instances on free loopback ports, started together, each answering /readyz;
#   2. tests/scaleout/load.mjs: the load, throughput and latency per kind, errors;
#   3. tests/scaleout/check.mjs: every instance shows every user the same history, favorites and
#      totals, equal to what the client saw happen; no job id twice; links serve the images;
#   4. the instances stop on SIGTERM with status 0;
#   5. `noisett fsck` on the same store and catalog finds nothing (tests/scaleout/fsck_report.mjs).
# With --store local, `noisett fsck --repair` also runs in a loop beside the instances for the whole
# load (each run opens the store, so its clean-up runs too): steps 3 and 5 then show that it
# removed nothing acknowledged, and a run that cannot start fails the test.
# Exit status 0 only when every step passed (1 when a check failed, 2 when the set-up failed).
# Everything started here is stopped by the EXIT trap (also on failure, Ctrl-C or SIGTERM), and by
# watchdogs if this script is killed outright; logs stay in the work folder only on failure.
# docs/scale-out.md describes the test and its figures.
# The alternatives (--catalog sqlite: one SQLite file shared by the instances; --store local: one
# local blob directory) are for development on a machine without PostgreSQL or node's Azurite.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"

duration=60
users=200
instances=3
catalog=postgres
store=azurite
build="$ROOT/build/release"

die() {
  echo "scaleout: $*" >&2
  exit 2
}

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || usage
  case "$1" in
    --duration) duration=$2 ;;
    --users) users=$2 ;;
    --instances) instances=$2 ;;
    --catalog) catalog=$2 ;;
    --store) store=$2 ;;
    --build) build=$2 ;;
    *) usage ;;
  esac
  shift 2
done
[[ "$duration" =~ ^[0-9]+$ && "$users" =~ ^[0-9]+$ && "$instances" =~ ^[0-9]+$ ]] ||
  die "--duration, --users and --instances take whole numbers"
((users >= 1 && users <= 999 && instances >= 1 && instances <= 16)) ||
  die "--users 1..999, --instances 1..16"
[[ "$catalog" == postgres || "$catalog" == sqlite ]] || die "--catalog postgres|sqlite"
[[ "$store" == azurite || "$store" == local ]] || die "--store azurite|local"
NOISETT="${NOISETT_BIN:-$build/bin/noisett}"
[[ -x "$NOISETT" ]] || die "$NOISETT missing (cmake --build $build --target noisett)"
command -v node >/dev/null || die "node is needed"
command -v curl >/dev/null || die "curl is needed"

work=$(mktemp -d /tmp/noisett-scaleout.XXXXXX)
# shellcheck source-path=SCRIPTDIR source=lib/backends.sh
source "$ROOT/scripts/lib/backends.sh"
server_pids=()
watchdog=""        # stops the instances if this script dies without its trap (SIGKILL)
fsck_loop=""       # the fsck --repair loop beside the load (--store local)
passed=""

# Stops what this run started, in reverse order, whatever happened before.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  if [[ -n "$child" ]]; then kill "$child" 2>/dev/null || true; fi
  if [[ -n "$watchdog" ]]; then kill "$watchdog" 2>/dev/null || true; fi
  if [[ -n "$fsck_loop" ]]; then touch "$work/fsck-loop.stop"; wait "$fsck_loop" || true; fi
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  backends_cleanup
  if [[ -n "$passed" ]]; then
    rm -rf "$work"
  else
    echo "scaleout: logs kept in $work" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The catalog URL: SQLite in the shared data folder, or PostgreSQL (scripts/lib/backends.sh).
setup_catalog() {
  if [[ "$catalog" == sqlite ]]; then
    catalog_url="sqlite://$work/data/noisett.db"
    return
  fi
  backends_postgres scaleout
}

# The store settings every instance (and fsck) gets, as environment variables.
setup_store() {
  if [[ "$store" == local ]]; then
    store_env=(NOISETT_STORE="file://$work/data/blobs")
    return
  fi
  backends_azurite scaleout
}

# The shared back end settings, as a command prefix (env execs noisett: one PID to stop).
set_backend_env() {
  backend_env=(env NOISETT_DATA_DIR="$work/data" NOISETT_CATALOG="$catalog_url" "${store_env[@]}")
}

# One token by the CLI (it also makes the dev issuer's key), the others re-signed from it.
mint_tokens() {
  mkdir -p "$work/data"
  local template
  template=$("$NOISETT" token --user load-u001 --ttl 1h --data-dir "$work/data") ||
    die "noisett token failed"
  run_child node "$ROOT/tests/scaleout/tokens.mjs" --data-dir "$work/data" --template "$template" \
    --users "$users" >"$work/tokens.txt" || die "token minting failed"
}

# Starts the instances together (the schema migration must be safe when they race), each on a
# port the kernel picks, and waits until every one answers /readyz.
start_instances() {
  local i
  for ((i = 1; i <= instances; i++)); do
    # $! is the server itself (env execs it), so the trap's kill reaches it.
    "${backend_env[@]}" "$NOISETT" serve --auth dev --listen 127.0.0.1:0 >"$work/serve-$i.log" 2>&1 &
    server_pids+=("$!")
  done
  # Without the trap (kill -9 of this script) nothing else would stop them.
  (
    while kill -0 $$ 2>/dev/null; do sleep 1; done
    kill "${server_pids[@]}" 2>/dev/null || true
  ) </dev/null >/dev/null 2>&1 &
  watchdog=$!
  urls=()
  for ((i = 1; i <= instances; i++)); do
    local url="" t
    for ((t = 0; t < 300; t++)); do
      kill -0 "${server_pids[i - 1]}" 2>/dev/null ||
        die "instance $i exited: $(tail -5 "$work/serve-$i.log")"
      url=$(grep -oE 'serving on http://127\.0\.0\.1:[0-9]+' "$work/serve-$i.log" |
        head -1 | sed 's/serving on //' || true)
      if [[ -n "$url" ]] && curl -sf -o /dev/null --max-time 2 "$url/readyz"; then break; fi
      sleep 0.1
    done
    ((t < 300)) || die "instance $i not ready within 30 s: $(tail -5 "$work/serve-$i.log")"
    urls+=("$url")
  done
  echo "scaleout: $instances instances ready after ${SECONDS} s: ${urls[*]}"
}

# The instances stop gracefully on SIGTERM: status 0.
stop_instances() {
  local pid status=0 rc
  for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do
    rc=0
    wait "$pid" || rc=$?
    if ((rc != 0)); then
      echo "scaleout: instance (pid $pid) exited with status $rc" >&2
      status=1
    fi
  done
  server_pids=()
  kill "$watchdog" 2>/dev/null || true
  watchdog=""
  return "$status"
}

# fsck --repair over and over beside the instances, until fsck-loop.stop appears. Status 1 (some
# findings left alone, e.g. uploads younger than the grace period) is expected under load; a
# status above 1 (could not run) is recorded as a failure.
start_fsck_loop() {
  (
    runs=0
    while [[ ! -e "$work/fsck-loop.stop" ]]; do
      rc=0
      "${backend_env[@]}" "$NOISETT" fsck --repair >>"$work/fsck-loop.log" 2>&1 || rc=$?
      if ((rc > 1)); then echo "status $rc" >>"$work/fsck-loop.failed"; fi
      runs=$((runs + 1))
      echo "$runs" >"$work/fsck-loop.runs"
    done
  ) </dev/null &
  fsck_loop=$!
}

# Stops the loop (after its current run) and says how it went.
stop_fsck_loop() {
  touch "$work/fsck-loop.stop"
  wait "$fsck_loop" || true
  fsck_loop=""
  local runs
  runs=$(cat "$work/fsck-loop.runs" 2>/dev/null || echo 0)
  echo "scaleout: fsck --repair ran $runs time(s) beside the load"
  if [[ -s "$work/fsck-loop.failed" ]] || ((runs == 0)); then
    echo "scaleout: the fsck --repair loop failed: $(tail -5 "$work/fsck-loop.log")" >&2
    return 1
  fi
}

run_fsck() {
  # (The help is read whole first: grep -q ending the pipe early would fail it under pipefail.)
  local help
  help=$("$NOISETT" --help 2>/dev/null || true)
  if ! grep -qE "^ *fsck\b" <<<"$help"; then
    echo "scaleout: FSCK NOT AVAILABLE in $NOISETT (no 'noisett fsck'): step skipped, run fails" >&2
    return 1
  fi
  local rc=0
  run_child "${backend_env[@]}" "$NOISETT" fsck --json >"$work/fsck.json" 2>"$work/fsck.log" ||
    rc=$?
  if ((rc > 1)); then
    echo "scaleout: fsck could not run (status $rc): $(tail -5 "$work/fsck.log")" >&2
    return 1
  fi
  run_child node "$ROOT/tests/scaleout/fsck_report.mjs" --report "$work/fsck.json" \
    --model "$work/model.json"
}

setup_catalog
setup_store
set_backend_env
echo "scaleout: catalog $catalog, store $store ${store_env[0]#*=}; $instances instances," \
  "$users users, $duration s"
mint_tokens
start_instances
url_list=$(IFS=,; echo "${urls[*]}")

failures=()
if [[ "$store" == local ]]; then start_fsck_loop; fi
run_child node "$ROOT/tests/scaleout/load.mjs" --urls "$url_list" --tokens "$work/tokens.txt" \
  --duration "$duration" --model "$work/model.json" --summary "$work/summary.txt" \
  --azurite "$([[ $store == azurite ]] && echo yes || echo no)" ||
  failures+=("load")
if [[ -n "$fsck_loop" ]]; then stop_fsck_loop || failures+=("fsck-loop"); fi
[[ -s "$work/model.json" ]] || die "the load client wrote no model"
NODE_EXTRA_CA_CERTS="${NOISETT_TEST_AZURITE_CA:-}" \
  run_child node "$ROOT/tests/scaleout/check.mjs" --urls "$url_list" --tokens "$work/tokens.txt" \
  --model "$work/model.json" || failures+=("consistency")
echo "scaleout: checks done after ${SECONDS} s"
stop_instances || failures+=("shutdown")
run_fsck || failures+=("fsck")

summary=$(cat "$work/summary.txt")
if [[ ${#failures[@]} -eq 0 ]]; then
  passed=1
  echo "scaleout: $instances instances, $users users, $duration s: $summary, checks passed"
else
  echo "scaleout: $instances instances, $users users, $duration s: $summary," \
    "FAILED: ${failures[*]}"
  exit 1
fi
