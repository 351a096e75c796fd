#!/usr/bin/env bash
# The generation jobs benchmark (issue 22): does a slow model stall the API? `noisett serve`
# with the replicate generator pointed at a loopback stand-in whose predictions take --latency
# seconds (bench/replicate_stand_in.mjs: the paid service cannot be reached from here), and one
# client (bench/jobs.mjs) measuring upload and history.list p50/p99, one request at a time:
#   idle       the same server with nothing else running: the baseline of every ratio
#   jobs       --jobs jobs (2 images each) in flight on the model
#   streams    the same plus --streams open event streams; the server's resident memory
#   idle again once the jobs finished (what the order of the phases alone moves)
#   blocking   2 generations with "wait": true holding request workers, as generate worked
#              before jobs (issue 22's 13.8 s upload)
# Target (issue 22): jobs and streams within 1.2x of idle at p50 and p99.
#
# Usage: bench/jobs.sh [--build build/release] [--latency 15] [--requests 300] [--jobs 8]
#                      [--streams 500] [--quick]
# --quick: 30 requests and 100 streams (a smoke run, not a figure to quote).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH_NAME="jobs"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

BUILD=build/release
LATENCY=15
REQUESTS=300
JOBS=8
STREAMS=500
while (($#)); do
  case $1 in
    --build) BUILD=${2:?--build needs a directory}; shift 2 ;;
    --latency) LATENCY=${2:?--latency needs seconds}; shift 2 ;;
    --requests) REQUESTS=${2:?--requests needs a number}; shift 2 ;;
    --jobs) JOBS=${2:?--jobs needs a number}; shift 2 ;;
    --streams) STREAMS=${2:?--streams needs a number}; shift 2 ;;
    --quick) REQUESTS=30; STREAMS=100; shift ;;
    -h | --help) sed -n 's/^# Usage: /usage: /p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) bench_die "unknown argument '$1'" ;;
  esac
done
for tool in node curl; do command -v "$tool" >/dev/null || bench_die "$tool is missing"; done
NOISETT=${NOISETT_BIN:-$BUILD/bin/noisett}
[[ -x $NOISETT ]] || bench_die "$NOISETT is missing: scripts/build.sh release --main"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/noisett-jobs.XXXXXX")
STAND_IN_PID=
cleanup() {
  [[ -n $STAND_IN_PID ]] && kill "$STAND_IN_PID" 2>/dev/null
  bench_cleanup
  [[ -n ${BENCH_KEEP:-} ]] || rm -rf "$WORK"
}
trap cleanup EXIT

: >"$WORK/stand-in.log"
node bench/replicate_stand_in.mjs --latency "$LATENCY" --token r8_bench >"$WORK/stand-in.log" 2>&1 &
STAND_IN_PID=$!
STAND_IN=
for _ in $(seq 1 100); do
  STAND_IN=$(sed -n 's/^stand-in on //p' "$WORK/stand-in.log")
  [[ -n $STAND_IN ]] && break
  sleep 0.1
done
[[ -n $STAND_IN ]] || bench_die "the Replicate stand-in did not start"

# One user with room for every job of the run (quotas are not what is measured).
start_noisett "$NOISETT" "$WORK/data" "$WORK/server.log" --auth dev --generator replicate \
  --replicate-url "$STAND_IN" --replicate-token r8_bench --replicate-model bench/slow \
  --import-allow 127.0.0.1 --generate-quotas "free=64/100000" --lifecycle-interval off
TOKEN=$("$NOISETT" token --user bench --data-dir "$WORK/data")

bench_note "latency ${LATENCY}s, $JOBS jobs, $STREAMS streams, $REQUESTS requests per phase"
OUT=$(node bench/jobs.mjs --url "$NOISETT_BASE" --token "$TOKEN" --pid "$NOISETT_PID" \
  --requests "$REQUESTS" --jobs "$JOBS" --streams "$STREAMS")
RESULT=$(sed -n 's/^RESULT //p' <<<"$OUT")
[[ -n $RESULT ]] || bench_die "no result: $OUT"

python3 - "$RESULT" "$LATENCY" "$JOBS" "$STREAMS" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); latency, jobs, streams = sys.argv[2:5]
idle = r["idle"]
print(f"Generation jobs vs an idle server (stand-in model {latency} s per prediction)")
print()
print("| phase | upload p50 ms | upload p99 ms | history p50 ms | history p99 ms | upload p50 / p99 vs idle | history p50 / p99 vs idle | RSS MiB |")
print("|---|---|---|---|---|---|---|---|")
names = {"idle": "idle", "jobs": f"{jobs} jobs in flight", "streams": f"{jobs} jobs + {r['streams']['open']} event streams",
         "idle_after": "idle again, after", "blocking": "2 generations with wait: true (the old way)"}
for key in ("idle", "jobs", "streams", "idle_after", "blocking"):
    p = r[key]
    u, h = p["upload"], p["history"]
    print(f"| {names[key]} | {u['p50']:.1f} | {u['p99']:.1f} | {h['p50']:.1f} | {h['p99']:.1f} | "
          f"{u['p50'] / idle['upload']['p50']:.2f}x / {u['p99'] / idle['upload']['p99']:.2f}x | "
          f"{h['p50'] / idle['history']['p50']:.2f}x / {h['p99'] / idle['history']['p99']:.2f}x | {p['rss_mib']:.0f} |")
print()
print(f"jobs still in flight when their phase ended: {r['jobs']['in_flight_after']} of {jobs}; "
      f"{r['streams']['in_flight_after']} of {jobs} (streams phase)")
PY
stop_noisett
