#!/usr/bin/env bash
# Mixed traffic against the embedded default (issue 10): `noisett serve --auth dev` (local store +
# SQLite) takes --connections concurrent clients for --duration seconds of 70 % signed link GETs,
# 20 % history.list and 10 % uploads (bench/load.mjs), --runs times against the same server
# process. Per run: requests, errors, p50/p99 per route, the connections the server held
# mid-run, and the server's resident memory (VmRSS sampled from /proc every second) at the start,
# at the end (once the server is idle again: it finishes the requests queued when the clients
# stopped) and at its peak.
#
# Set-up (not measured): 20 users with dev-issuer tokens (`noisett token`, re-signed per user by
# tests/scaleout/tokens.mjs); 20 uploaded noise PNGs (--upload-size px square) whose image and
# thumbnail links the GETs cycle through. Each client is one user's (client i is user i mod 20).
#
# Usage: bench/load.sh [--build build/release] [--duration 60] [--connections 200] [--runs 3]
#                      [--upload-size 512] [--mix 70,20,10] [--rss-limit-mib 200]
# --mix: the percentages of link GETs, history.lists and uploads (to look into one route alone).
# Exit status: 0 when every run passed; 1 when any request failed, when the server's RSS reached
# 200 MiB (--rss-limit-mib), or when it grew across the runs: the RSS at the end of the last run
# above the end of the first run by more than max(10 %, 8 MiB) (the allocator keeps freed memory
# for reuse, so a few MiB of movement is noise, not a leak); 2 on a bad argument.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH_NAME=load
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

BUILD=build/release
DURATION=60
CONNECTIONS=200
RUNS=3
UPLOAD_SIZE=512
MIX=70,20,10
RSS_LIMIT_MIB=200
USERS=20

USAGE_UNTIL=--upload-size
# shellcheck source-path=SCRIPTDIR source=usage.sh
source bench/usage.sh
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "load: $1 must be a positive integer" >&2; exit 2; }; }

while (($#)); do
  case $1 in
    --build) BUILD=${2:?--build needs a directory}; shift 2 ;;
    --duration) DURATION=${2:?--duration needs a number}; shift 2 ;;
    --connections) CONNECTIONS=${2:?--connections needs a number}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    --mix) MIX=${2:?--mix needs three percentages}; shift 2 ;;
    --upload-size) UPLOAD_SIZE=${2:?--upload-size needs a number}; shift 2 ;;
    --rss-limit-mib) RSS_LIMIT_MIB=${2:?--rss-limit-mib needs a number}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "load: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
for pair in "--duration $DURATION" "--connections $CONNECTIONS" "--runs $RUNS" \
  "--upload-size $UPLOAD_SIZE" "--rss-limit-mib $RSS_LIMIT_MIB"; do
  # shellcheck disable=SC2086  # two words on purpose
  positive $pair
done

for tool in node curl ss; do command -v "$tool" >/dev/null || bench_die "$tool is missing"; done
[[ -f $BUILD/CMakeCache.txt ]] || bench_die "$BUILD is not configured: cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release"
cmake --build "$BUILD" --target noisett >/dev/null || bench_die "cmake --build $BUILD --target noisett failed"
NOISETT=$BUILD/bin/noisett

WORK=$(mktemp -d "${TMPDIR:-/tmp}/noisett-load.XXXXXX")
trap bench_cleanup EXIT
# 200 clients hold 200 sockets; the server needs a descriptor per connection and per open blob.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

DATA=$WORK/data
start_noisett "$NOISETT" "$DATA" "$WORK/server.log" --auth dev
PORT=${NOISETT_BASE##*:}
template=$("$NOISETT" token --user load-u001 --data-dir "$DATA" --ttl 4h) || bench_die "noisett token failed"
node tests/scaleout/tokens.mjs --data-dir "$DATA" --template "$template" --users "$USERS" >"$WORK/tokens" ||
  bench_die "tests/scaleout/tokens.mjs failed"
node bench/load.mjs --prepare "$WORK/links" --url "$NOISETT_BASE" --tokens "$WORK/tokens" \
  --upload-size "$UPLOAD_SIZE" || bench_die "uploading the link targets failed"
bench_note "$(wc -l <"$WORK/links") signed links ready; server pid $NOISETT_PID at $NOISETT_BASE"

rss_now_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$NOISETT_PID/status" 2>/dev/null || echo 0; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$NOISETT_PID/stat" 2>/dev/null || echo 0; }
# settle: after a run the server still works through the requests queued when the clients left
# (uploads and history pages it will answer to closed sockets); the run's "end" RSS is taken once
# it is idle (under 2 % of a core for a second, no client connection left), at most 60 s later.
settle() {
  local before after
  for _ in $(seq 1 60); do
    before=$(cpu_ticks)
    sleep 1
    after=$(cpu_ticks)
    if ((after - before <= 2)) && (($(ss -Htn state established "( sport = :$PORT )" | wc -l) == 0)); then
      return 0
    fi
  done
  bench_note "the server was still busy 60 s after the run"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

start_sampler "$NOISETT_PID" "$WORK/rss" 1
FAILED=()
declare -a END_KIB=() SUMMARY=()
for ((run = 1; run <= RUNS; run++)); do
  start_kib=$(rss_now_kib)
  first_line=$(($(wc -l <"$WORK/rss") + 1))
  bench_note "run $run/$RUNS: $CONNECTIONS connections, ${DURATION} s (RSS at start $(mib "$start_kib") MiB)"
  # The connections the server holds, counted once the clients are all going.
  (sleep "$(awk -v d="$DURATION" 'BEGIN { print d / 2 }')"
    ss -Htn state established "( sport = :$PORT )" | wc -l >"$WORK/conns-$run"
    ss -Htn state established "( dport = :$PORT )" | wc -l >"$WORK/client-conns-$run") &
  counter=$!
  status=0
  node bench/load.mjs --url "$NOISETT_BASE" --tokens "$WORK/tokens" --links "$WORK/links" \
    --duration "$DURATION" --connections "$CONNECTIONS" --upload-size "$UPLOAD_SIZE" --mix "$MIX" \
    >"$WORK/run-$run" || status=$?
  wait "$counter" || true
  settle_start=$(date +%s)
  settle
  end_kib=$(rss_now_kib)
  settled_s=$(($(date +%s) - settle_start))
  last_line=$(wc -l <"$WORK/rss")
  peak_kib=$(max_kib "$WORK/rss" "$first_line" "$last_line")
  ((end_kib > peak_kib)) && peak_kib=$end_kib
  ((start_kib > peak_kib)) && peak_kib=$start_kib
  END_KIB+=("$end_kib")
  grep -v '^RESULT ' "$WORK/run-$run" >&2 || true
  result=$(grep '^RESULT ' "$WORK/run-$run" | cut -d' ' -f2-) || bench_die "run $run printed no result (exit $status)"
  ((status == 0)) || FAILED+=("run $run: requests failed (exit $status)")
  ((peak_kib < RSS_LIMIT_MIB * 1024)) || FAILED+=("run $run: peak RSS $(mib "$peak_kib") MiB >= $RSS_LIMIT_MIB MiB")
  SUMMARY+=("$run $(cat "$WORK/conns-$run")/$(cat "$WORK/client-conns-$run") $settled_s $start_kib $end_kib $peak_kib $result")
done
stop_sampler
kill -0 "$NOISETT_PID" 2>/dev/null || FAILED+=("the server died during the load")
stop_noisett

# Growth across the runs: end of the last run against the end of the first, beyond the noise.
allowed_kib=$(awk -v e="${END_KIB[0]}" 'BEGIN { a = e * 0.10; if (a < 8192) a = 8192; printf "%d", e + a }')
((${END_KIB[-1]} <= allowed_kib)) ||
  FAILED+=("RSS grew: $(mib "${END_KIB[-1]}") MiB after run $RUNS against $(mib "${END_KIB[0]}") MiB after run 1 (allowed $(mib "$allowed_kib"))")

echo
echo "noisett serve under mixed load (link GET, history.list, upload of a ${UPLOAD_SIZE}x${UPLOAD_SIZE} PNG: $MIX %)," \
  "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "tree $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "$CONNECTIONS connections x ${DURATION} s x $RUNS runs against one server process (embedded default, --auth dev)"
echo
printf '%s\n' "${SUMMARY[@]}" | /usr/bin/python3 -c '
import json, sys
print("| run | connections server/client | requests | req/s | errors | link GET p50 / p99 ms"
      " | history.list p50 / p99 ms | upload p50 / p99 ms | RSS start / end / peak MiB | idle after |")
print("|---|---|---|---|---|---|---|---|---|---|")
for line in sys.stdin:
    run, conns, settled, start, end, peak, result = line.split(" ", 6)
    r = json.loads(result)
    lat = []
    for name in ("link GET", "history.list", "upload"):
        x = r["routes"].get(name)
        lat.append("%.1f / %.1f" % (x["p50"], x["p99"]) if x else "-")
    mib = ["%.1f" % (int(k) / 1024) for k in (start, end, peak)]
    print("| %s | %s | %d | %.0f | %d | %s | %s | %s s |" % (run, conns.strip(), r["requests"],
          r["requests"] / r["seconds"], r["errors"], " | ".join(lat), " / ".join(mib), settled))
'
peak_all=$(max_kib "$WORK/rss")
echo
echo "RESULT-LOAD runs=$RUNS errors=$(printf '%s\n' "${SUMMARY[@]}" | /usr/bin/python3 -c '
import json, sys; print(sum(json.loads(l.split(" ", 6)[6])["errors"] for l in sys.stdin))') peak_mib=$(mib "$peak_all") end_first_mib=$(mib "${END_KIB[0]}") end_last_mib=$(mib "${END_KIB[-1]}")"
if ((${#FAILED[@]})); then
  printf 'FAILED: %s\n' "${FAILED[@]}"
  exit 1
fi
echo "PASSED: 0 errors, peak RSS $(mib "$peak_all") MiB < $RSS_LIMIT_MIB MiB, no growth beyond max(10 %, 8 MiB) across $RUNS runs"
