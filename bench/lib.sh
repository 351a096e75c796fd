# shellcheck shell=bash
# Shared pieces of bench/history_reference.sh and bench/load.sh (sourced, not run): starting and
# stopping `noisett serve` on a free loopback port, running wrk with bench/wrk/requests.lua, and
# sampling a process tree's resident memory from /proc.
#
# The sourcing script sets BENCH_NAME (the prefix of its messages) and WORK (its scratch
# directory), and calls bench_cleanup from its EXIT trap: it stops whatever these functions
# started.

bench_note() { echo "${BENCH_NAME:-bench}: $*" >&2; }
bench_die() { bench_note "$*"; exit 1; }

NOISETT_PID=
NOISETT_BASE=
SAMPLER_PID=

# start_noisett NOISETT DATA_DIR LOG [ARGS...]: `noisett serve` on 127.0.0.1:0 with ARGS; sets
# NOISETT_PID and NOISETT_BASE (http://127.0.0.1:PORT) once /readyz answers.
start_noisett() {
  local binary=$1 data=$2 log=$3 port=
  shift 3
  : >"$log"  # before the server's own redirect: the loop below may read it first
  "$binary" serve --data-dir "$data" --listen 127.0.0.1:0 "$@" 2>"$log" &
  NOISETT_PID=$!
  for _ in $(seq 1 200); do
    port=$(sed -n 's|.*noisett serving on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log" | head -n 1)
    [[ -n $port ]] && break
    kill -0 "$NOISETT_PID" 2>/dev/null || { tail -n 5 "$log" >&2; bench_die "noisett serve exited"; }
    sleep 0.1
  done
  [[ -n $port ]] || bench_die "noisett serve did not report its port (see $log)"
  NOISETT_BASE=http://127.0.0.1:$port
  curl -fs "$NOISETT_BASE/readyz" >/dev/null || bench_die "noisett serve is not ready at $NOISETT_BASE"
}

# stop_noisett: SIGTERM and wait; a failed shutdown fails the benchmark.
stop_noisett() {
  [[ -n $NOISETT_PID ]] || return 0
  local pid=$NOISETT_PID
  NOISETT_PID=
  if ! { kill -TERM "$pid" && wait "$pid"; }; then bench_die "noisett serve did not stop cleanly"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# tree_rss_kib PID: resident KiB of PID and all its descendants (uvicorn's workers, say).
tree_rss_kib() {
  ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
    { parent[$1] = $2; rss[$1] = $3 }
    END {
      for (p in parent) {
        q = p
        for (depth = 0; depth < 16 && q != root && q > 1; depth++) q = parent[q]
        if (q == root) total += rss[p]
      }
      print total + 0
    }'
}

# start_sampler PID FILE [INTERVAL_S]: appends "EPOCH_S KIB" for PID's tree to FILE every INTERVAL_S
# (default 1) until stop_sampler. Lines are numbered by position, so a caller marks a window by
# the file's line count before and after it.
start_sampler() {
  local pid=$1 file=$2 interval=${3:-1}
  : >"$file"
  (
    while kill -0 "$pid" 2>/dev/null; do
      echo "$(date +%s.%N) $(tree_rss_kib "$pid")" >>"$file"
      sleep "$interval"
    done
  ) &
  SAMPLER_PID=$!
}
stop_sampler() {
  [[ -n $SAMPLER_PID ]] || return 0
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=
}

# max_kib FILE [FIRST_LINE] [LAST_LINE]: the largest sample in that window of a sampler's file.
max_kib() {
  awk -v a="${2:-1}" -v b="${3:-999999999}" 'NR >= a && NR <= b && $2 > m { m = $2 } END { print m + 0 }' "$1"
}

# run_wrk URL THREADS CONNECTIONS SECONDS [ENV=VALUE...]: bench/wrk/requests.lua against URL;
# prints "requests/s p50_ms p99_ms". Any non-2xx answer or socket error fails the benchmark.
run_wrk() {
  local url=$1 threads=$2 connections=$3 seconds=$4 out result
  shift 4
  out=$(env "$@" wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 10s \
    -s bench/wrk/requests.lua "$url") || bench_die "wrk failed against $url"
  result=$(grep '^RESULT ' <<<"$out") || { echo "$out" >&2; bench_die "wrk printed no result"; }
  local requests secs non2xx socket_errors p50 p99
  read -r _ requests secs non2xx socket_errors p50 p99 <<<"$result"
  ((non2xx == 0 && socket_errors == 0)) ||
    bench_die "against $url: $non2xx answers were not 2xx and $socket_errors socket errors"
  awk -v r="$requests" -v s="$secs" -v a="$p50" -v b="$p99" \
    'BEGIN { printf "%.1f %.2f %.2f\n", r / s, a / 1000, b / 1000 }'
}

bench_cleanup() {
  stop_sampler
  if [[ -n $NOISETT_PID ]]; then
    kill -TERM "$NOISETT_PID" 2>/dev/null || true
    wait "$NOISETT_PID" 2>/dev/null || true
  fi
  [[ -n ${WORK:-} && -z ${BENCH_KEEP:-} ]] && rm -rf "$WORK"
  return 0
}
