#!/usr/bin/env bash
# The generation benchmark (issue 9): `POST /api/generate` with the `noise` generator, count 4,
# `"wait": true` (the job answered once stored; issue 22 made generate asynchronous),
# end to end (generate + optimize + store + catalog), against `noisett serve --auth dev` on
# loopback:
#   sequential   one client, one request at a time: images/s and the latency of a request
#   concurrent   2 clients at once (the machine's 2 cores): images/s and the ratio to sequential
#   direct       `noisett generate JSON --user bench --data-dir DIR`, one process per request
#                (start-up included, as for a script or cron job): images/s
# and where a sequential request's time goes, from the server's own /metrics (a plain metrics
# listener): the image pipeline (OptimizeForWeb of the 4 images, which run side by side), the
# generator (when the server exports noisett_generator_duration_seconds) and the rest (blobs with
# fsync, catalog row, JSON).
#
# Usage: bench/generate.sh [--build build/release] [--requests 12] [--rounds 3]
# NOISETT_BIN=path/to/noisett overrides the binary (then nothing is built). Every phase sends the
# same requests: 8 prompts (so every composition style of the noise generator is in the mix) with
# fixed seeds, so runs are comparable. Each figure is the median of --rounds rounds. Everything
# runs on loopback in a scratch directory that is removed at the end; the client shares the
# 2 cores with the server.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BUILD=build/release
REQUESTS=12
ROUNDS=3
COUNT=4

# shellcheck source-path=SCRIPTDIR source=usage.sh
source bench/usage.sh

while (($#)); do
  case $1 in
    --build) BUILD=${2:?--build needs a directory}; shift 2 ;;
    --requests) REQUESTS=${2:?--requests needs a number}; shift 2 ;;
    --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "generate: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
[[ $REQUESTS =~ ^[1-9][0-9]*$ ]] || { echo "generate: --requests must be a positive integer" >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "generate: --rounds must be a positive integer" >&2; exit 2; }

note() { echo "generate: $*" >&2; }
die() { note "$*"; exit 1; }

command -v curl >/dev/null || die "curl is missing"
command -v python3 >/dev/null || die "python3 is missing"
if [[ -n ${NOISETT_BIN:-} ]]; then
  NOISETT=$NOISETT_BIN
else
  [[ -f $BUILD/CMakeCache.txt ]] || die "$BUILD is not configured: cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release"
  cmake --build "$BUILD" --target noisett >/dev/null || die "cmake --build $BUILD --target noisett failed"
  NOISETT=$BUILD/bin/noisett
fi
[[ -x $NOISETT ]] || die "$NOISETT is not an executable"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/noisett-generate-bench.XXXXXX")
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The server under test, with the noise generator and a metrics listener.
DATA=$WORK/data
METRICS_PORT=$(free_port)
LOG=$WORK/server.log
: >"$LOG"  # before the server starts: the loop below reads it at once
NOISETT_GENERATOR=noise NOISETT_GENERATE_QUOTAS=free=16/1000000 "$NOISETT" serve --auth dev \
  --data-dir "$DATA" --listen 127.0.0.1:0 \
  --metrics-addr "127.0.0.1:$METRICS_PORT" 2>"$LOG" &
SERVER_PID=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(sed -n 's|.*noisett serving on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$LOG" | head -n 1)
  [[ -n $PORT ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 5 "$LOG" >&2; die "noisett serve exited"; }
  sleep 0.1
done
[[ -n $PORT ]] || die "noisett serve did not report its port (see $LOG)"
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || die "noisett serve is not ready"
TOKEN=$("$NOISETT" token --user bench --data-dir "$DATA" --ttl 1h)

# The client: DRIVER CLIENTS REQUESTS prints "images/s p50_ms p95_ms request_ms pipeline_ms
# generator_ms" (the last three per request, server side, from /metrics deltas; generator_ms is
# "-" when the server does not export it). Fails on any answer but 201 with COUNT images.
DRIVER=$WORK/driver.py
cat >"$DRIVER" <<'EOF'
import http.client, json, os, statistics, sys, threading, time, urllib.request

port, metrics_port, token = int(os.environ["PORT"]), os.environ["METRICS_PORT"], os.environ["TOKEN"]
count, clients, requests = int(os.environ["COUNT"]), int(sys.argv[1]), int(sys.argv[2])
PROMPTS = ["a sunset over the sea", "deep ocean", "forest path", "galaxy", "cat",
           "robot portrait", "mountain lake", "city lights"]

def scrape():
    text = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read().decode()
    sums = {}
    for line in text.splitlines():
        if line.startswith("#") or " " not in line:
            continue
        series, value = line.rsplit(" ", 1)
        name = series.split("{", 1)[0]
        if name.startswith("noisett_http_request_duration_seconds") and "generate" not in series:
            continue
        if name.startswith("noisett_http_request_duration_seconds") and 'status_class="2xx"' not in series:
            continue
        sums[name] = sums.get(name, 0.0) + float(value)
    return sums

def per_request_ms(before, after, name):
    n = after.get(name + "_count", 0) - before.get(name + "_count", 0)
    if name + "_sum" not in after or n <= 0:
        return "-"
    return "%.1f" % (1000 * (after[name + "_sum"] - before.get(name + "_sum", 0)) / n)

latencies, failures = [], []
def client(first):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    for i in range(first, requests, clients):
        body = json.dumps({"prompt": PROMPTS[i % len(PROMPTS)], "count": count, "seed": 1000 + 8 * i, "wait": True})
        start = time.perf_counter()
        conn.request("POST", "/api/generate", body,
                     {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        answer = conn.getresponse()
        data = answer.read()
        latencies.append(time.perf_counter() - start)
        if answer.status != 201:
            failures.append(f"{answer.status} {data[:200]!r}")
        elif len(json.loads(data).get("images", [])) != count:
            failures.append("not %d images: %r" % (count, data[:200]))

before = scrape()
start = time.perf_counter()
threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.perf_counter() - start
after = scrape()
if failures:
    sys.exit("generate failed: " + failures[0])
q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
print("%.2f %.0f %.0f %s %s %s" % (requests * count / elapsed, 1000 * statistics.median(latencies),
      1000 * q[18], per_request_ms(before, after, "noisett_http_request_duration_seconds"),
      per_request_ms(before, after, "noisett_image_pipeline_duration_seconds"),
      per_request_ms(before, after, "noisett_generator_duration_seconds")))
EOF
drive() { PORT=$PORT METRICS_PORT=$METRICS_PORT TOKEN=$TOKEN COUNT=$COUNT python3 "$DRIVER" "$@"; }

# median_run CLIENTS: the round with the median images/s (its whole line).
median_run() {
  local lines=() i
  for ((i = 0; i < ROUNDS; i++)); do lines+=("$(drive "$1" "$REQUESTS")") || die "driver failed"; done
  printf '%s\n' "${lines[@]}" | sort -n -k1,1 | sed -n "$(((ROUNDS + 1) / 2))p"
}

note "warm-up: 2 requests"
drive 1 2 >/dev/null || die "warm-up failed"
note "sequential: $ROUNDS rounds of $REQUESTS requests (count $COUNT), one client"
SEQ=$(median_run 1)
note "concurrent: $ROUNDS rounds of $REQUESTS requests (count $COUNT), 2 clients"
CONC=$(median_run 2)
if ! { kill -TERM "$SERVER_PID" && wait "$SERVER_PID"; }; then
  die "noisett serve did not stop cleanly"
fi
SERVER_PID=

# Direct mode: one process per request into its own data directory (the catalog is made once).
# Skipped, with a note, when this binary's command mode does not take `generate`.
direct_generate() {  # direct_generate JSON
  NOISETT_GENERATOR=noise "$NOISETT" generate "$1" --user bench --data-dir "$WORK/direct" \
    >/dev/null 2>"$WORK/direct.err"
}
DIRECT=n/a
# Only `init` (or serve) creates a store; direct commands refuse a missing one.
"$NOISETT" init --data-dir "$WORK/direct" >/dev/null 2>"$WORK/direct.err" || true
if direct_generate '{"prompt":"warm-up","count":1}'; then
  note "direct: $ROUNDS rounds of $REQUESTS \`noisett generate\` processes"
  PROMPTS=("a sunset over the sea" "deep ocean" "forest path" "galaxy" "cat" "robot portrait"
    "mountain lake" "city lights")
  rates=()
  for ((round = 0; round < ROUNDS; round++)); do
    start=$(date +%s.%N)
    for ((i = 0; i < REQUESTS; i++)); do
      args=$(printf '{"prompt":"%s","count":%d,"seed":%d}' "${PROMPTS[i % 8]}" "$COUNT" $((1000 + 8 * i)))
      direct_generate "$args" || { cat "$WORK/direct.err" >&2; die "noisett generate failed"; }
    done
    end=$(date +%s.%N)
    rates+=("$(awk -v n=$((REQUESTS * COUNT)) -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", n / (b - a) }')")
  done
  DIRECT=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n "$(((ROUNDS + 1) / 2))p")
else
  note "direct: skipped, \`noisett generate JSON --user\` failed: $(head -n 1 "$WORK/direct.err")"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
read -r seq_rate seq_p50 seq_p95 seq_req seq_pipe seq_gen <<<"$SEQ"
read -r conc_rate conc_p50 conc_p95 _ _ _ <<<"$CONC"

echo
echo "noisett generate benchmark: noise generator, count $COUNT, $REQUESTS requests x $ROUNDS rounds (median)," \
  "$(nproc) cores, $(uname -m), $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "| measurement | images/s | latency per request | ratio |"
echo "|---|---|---|---|"
echo "| serve, sequential (1 client) | $seq_rate | p50 $seq_p50 ms, p95 $seq_p95 ms | 1.00x |"
echo "| serve, 2 concurrent clients | $conc_rate | p50 $conc_p50 ms, p95 $conc_p95 ms | $(ratio "$conc_rate" "$seq_rate") sequential |"
if [[ $DIRECT != n/a ]]; then
  direct_ms=$(awk -v r="$DIRECT" -v c="$COUNT" 'BEGIN { printf "%.0f", 1000 * c / r }')
  echo "| \`noisett generate\` direct, a process per request | $DIRECT | $direct_ms ms per process | $(ratio "$DIRECT" "$seq_rate") sequential |"
fi
echo
echo "Where a sequential request's time goes (server side, from /metrics, ms per request of $COUNT images):"
echo
if [[ $seq_gen == - ]]; then
  rest=$(awk -v t="$seq_req" -v p="$seq_pipe" 'BEGIN { printf "%.1f", t - p }')
  echo "| request (server) | pipeline | generator + store + catalog + JSON |"
  echo "|---|---|---|"
  echo "| $seq_req | $seq_pipe | $rest |"
else
  rest=$(awk -v t="$seq_req" -v p="$seq_pipe" -v g="$seq_gen" 'BEGIN { printf "%.1f", t - p - g }')
  echo "| request (server) | generator | pipeline | store + catalog + JSON |"
  echo "|---|---|---|---|"
  echo "| $seq_req | $seq_gen | $seq_pipe | $rest |"
fi
