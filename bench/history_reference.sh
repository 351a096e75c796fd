#!/usr/bin/env bash
# history.list with an RS256 bearer token: `noisett serve` against the reference app written from
# the design documents' FastAPI code (bench/reference/app.py: FastAPI + PyJWT + sqlite3 under
# uvicorn), same data, same token, same load (issue 10). Target: noisett >= 10x the reference's
# requests/s at <= 1/3 of its peak memory.
#
# Set-up: one RSA-2048 key and an Entra v2-shaped token (iss, aud, tid, oid, scp, 2 h) minted by
# npm jose (tests/auth/mint.mjs); both servers read the same JWKS from a file and check issuer,
# audience and signature. Noisett runs in its real mode (--auth required with --tenant-id,
# --client-id, --jwks-file). --rows jobs of 2 images for the token's user are generated into
# Noisett's catalog (bench/make_history_rows.py) and copied into the design documents' schema
# for the reference (bench/reference/export_rows.py): same jobs, same order, same total_count.
# Load: wrk (bench/wrk/requests.lua) GET /api/history?limit=50 with the token, --connections
# connections over 2 threads, 3 s warm-up then --seconds measured, against each server in turn.
# Memory: the resident set of the server's whole process tree (uvicorn's master and workers
# summed), sampled from /proc every 0.5 s; the peak of the measured run is reported.
#
# Usage: bench/history_reference.sh [--build build/release] [--seconds 20] [--connections 64]
#                                   [--rows 10000] [--workers 2]
# --workers is uvicorn's worker processes (default: one per core). Prints a table, then one
# machine-readable line per server: "RESULT NAME requests/s p50_ms p99_ms peak_rss_mib".
# Exit status: 0 when both ran (met or not: the table says), 1 on any failure (a non-2xx
# answer included), 2 on a bad argument. Everything is stopped and removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH_NAME=history_reference
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

BUILD=build/release
SECONDS_PER_RUN=20
CONNECTIONS=64
ROWS=10000
WORKERS=$(nproc)
RPS_TARGET=10     # x the reference's requests/s
MEMORY_TARGET=3   # the reference's peak RSS / noisett's

USAGE_UNTIL=--rows
# shellcheck source-path=SCRIPTDIR source=usage.sh
source bench/usage.sh
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "history_reference: $1 must be a positive integer" >&2; exit 2; }; }

while (($#)); do
  case $1 in
    --build) BUILD=${2:?--build needs a directory}; shift 2 ;;
    --seconds) SECONDS_PER_RUN=${2:?--seconds needs a number}; shift 2 ;;
    --connections) CONNECTIONS=${2:?--connections needs a number}; shift 2 ;;
    --rows) ROWS=${2:?--rows needs a number}; shift 2 ;;
    --workers) WORKERS=${2:?--workers needs a number}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "history_reference: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
positive --seconds "$SECONDS_PER_RUN"
positive --connections "$CONNECTIONS"
positive --rows "$ROWS"
positive --workers "$WORKERS"
((ROWS >= 50)) || { echo "history_reference: --rows must be at least 50 (one full page)" >&2; exit 2; }

# Debian's FastAPI lives in /usr/lib/python3/dist-packages, which a pyenv python3 does not see.
PYTHON=/usr/bin/python3
for tool in wrk node curl; do command -v "$tool" >/dev/null || bench_die "$tool is missing (scripts/setup.sh)"; done
"$PYTHON" -c 'import fastapi, jwt, uvicorn' 2>/dev/null ||
  bench_die "$PYTHON cannot import fastapi, jwt and uvicorn (apt-get install python3-fastapi python3-jwt uvicorn)"
[[ -f $BUILD/CMakeCache.txt ]] || bench_die "$BUILD is not configured: cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release"
cmake --build "$BUILD" --target noisett >/dev/null || bench_die "cmake --build $BUILD --target noisett failed"
NOISETT=$BUILD/bin/noisett

WORK=$(mktemp -d "${TMPDIR:-/tmp}/noisett-history-reference.XXXXXX")
UVICORN_PID=
cleanup() {
  if [[ -n $UVICORN_PID ]]; then
    kill -TERM "$UVICORN_PID" 2>/dev/null || true
    wait "$UVICORN_PID" 2>/dev/null || true
  fi
  bench_cleanup
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# One key, one token, as Entra would issue them for the API.
TENANT=3f5c2a71-8d4e-4b9a-a6c2-0e1d9b7f4a30
CLIENT=b8e4d1c2-7a3f-4e6b-9d05-c1a2f3e4d5b6
USER_OID=6a1f0c3e-94b2-4d7e-8f15-2b3c4d5e6f70
NOW=$(date +%s)
if ! node tests/auth/mint.mjs >"$WORK/minted.json" <<EOF; then
{"keys": [{"kid": "bench-rsa-1", "kty": "RSA", "alg": "RS256"}],
 "tokens": [{"name": "bench", "kid": "bench-rsa-1", "alg": "RS256", "claims": {
   "iss": "https://login.microsoftonline.com/$TENANT/v2.0", "aud": "$CLIENT", "tid": "$TENANT",
   "oid": "$USER_OID", "sub": "bench-sub", "name": "Bench User",
   "preferred_username": "bench@contoso.example", "scp": "access_as_user", "ver": "2.0",
   "iat": $NOW, "nbf": $NOW, "exp": $((NOW + 7200))}}]}
EOF
  bench_die "tests/auth/mint.mjs failed"
fi
"$PYTHON" - "$WORK/minted.json" "$WORK/jwks.json" "$WORK/token" <<'EOF'
import json, sys
minted = json.load(open(sys.argv[1]))
json.dump(minted["jwks"], open(sys.argv[2], "w"))
open(sys.argv[3], "w").write(minted["tokens"]["bench"])
EOF
TOKEN=$(<"$WORK/token")
AUTH_ARGS=(--auth required --tenant-id "$TENANT" --client-id "$CLIENT" --jwks-file "$WORK/jwks.json")

# The same jobs in both catalogs.
DATA=$WORK/noisett
start_noisett "$NOISETT" "$DATA" "$WORK/noisett-migrate.log" "${AUTH_ARGS[@]}"  # creates the catalog
stop_noisett
bench_note "generating $ROWS jobs: $("$PYTHON" bench/make_history_rows.py "$DATA/noisett.db" "$USER_OID" "$ROWS")"
copied=$("$PYTHON" bench/reference/export_rows.py "$DATA/noisett.db" "$WORK/reference.db")
((copied == ROWS)) || bench_die "the reference's catalog holds $copied jobs, noisett's $ROWS"
echo "/api/history?limit=50" >"$WORK/paths"

# check_page URL: the first page has 50 generations and total_count ROWS.
check_page() {
  curl -fs -H "Authorization: Bearer $TOKEN" "$1/api/history?limit=50" >"$WORK/page-${1##*:}.json" ||
    bench_die "history.list with the token failed at $1"
  "$PYTHON" -c 'import json, sys
p = json.load(open(sys.argv[1])); n, total = len(p["generations"]), p["total_count"]
sys.exit(0 if n == 50 and total == int(sys.argv[2]) else f"{n} generations, total_count {total}")' \
    "$WORK/page-${1##*:}.json" "$ROWS" || bench_die "unexpected first page from $1"
}

# measure NAME URL PID: warm-up, then the measured run while sampling PID's tree; sets
# RESULT_LINE to "NAME req/s p50 p99 peak_mib".
RESULT_LINE=
measure() {
  local name=$1 url=$2 pid=$3 result
  bench_note "$name: wrk 2 threads, $CONNECTIONS connections, 3 s warm-up + ${SECONDS_PER_RUN} s"
  run_wrk "$url" 2 "$CONNECTIONS" 3 WRK_PATHS="$WORK/paths" WRK_TOKEN="$TOKEN" >/dev/null
  start_sampler "$pid" "$WORK/rss-$name" 0.5
  result=$(run_wrk "$url" 2 "$CONNECTIONS" "$SECONDS_PER_RUN" WRK_PATHS="$WORK/paths" WRK_TOKEN="$TOKEN")
  stop_sampler
  RESULT_LINE="$name $result $(awk -v k="$(max_kib "$WORK/rss-$name")" 'BEGIN { printf "%.1f", k / 1024 }')"
}

start_noisett "$NOISETT" "$DATA" "$WORK/noisett.log" "${AUTH_ARGS[@]}"
check_page "$NOISETT_BASE"
measure noisett "$NOISETT_BASE" "$NOISETT_PID"
OURS=$RESULT_LINE
stop_noisett

PORT=$(free_port)
REFERENCE_DB=$WORK/reference.db REFERENCE_JWKS_FILE=$WORK/jwks.json AZURE_TENANT_ID=$TENANT \
  AZURE_CLIENT_ID=$CLIENT REFERENCE_SAS_KEY=$(head -c 32 /dev/urandom | base64) \
  "$PYTHON" -m uvicorn --app-dir bench/reference app:app --host 127.0.0.1 --port "$PORT" \
  --workers "$WORKERS" 2>"$WORK/uvicorn.log" >&2 &
UVICORN_PID=$!
REFERENCE_BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "$REFERENCE_BASE/healthz" && break
  kill -0 "$UVICORN_PID" 2>/dev/null || { tail -n 20 "$WORK/uvicorn.log" >&2; bench_die "uvicorn exited"; }
  sleep 0.2
done
# Every worker must be up before the load, or the first ones take it all.
sleep 2
check_page "$REFERENCE_BASE"
measure reference "$REFERENCE_BASE" "$UVICORN_PID"
THEIRS=$RESULT_LINE
kill -TERM "$UVICORN_PID" 2>/dev/null || true
wait "$UVICORN_PID" 2>/dev/null || true
UVICORN_PID=

read -r _ n_rps n_p50 n_p99 n_mib <<<"$OURS"
read -r _ r_rps r_p50 r_p99 r_mib <<<"$THEIRS"
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? "met" : "MISSED" }'; }
RPS_RATIO=$(awk -v a="$n_rps" -v b="$r_rps" 'BEGIN { printf "%.2f", a / b }')
MEM_RATIO=$(awk -v a="$r_mib" -v b="$n_mib" 'BEGIN { printf "%.2f", a / b }')

echo
echo "history.list (limit 50, $ROWS jobs, RS256 token), $(date -u '+%Y-%m-%d %H:%M UTC')," \
  "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk 2 threads, $CONNECTIONS connections, ${SECONDS_PER_RUN} s; reference: FastAPI" \
  "$("$PYTHON" -c 'import fastapi; print(fastapi.__version__)'), uvicorn --workers $WORKERS," \
  "tree $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
printf '%-34s %10s %9s %9s %14s\n' server 'req/s' 'p50 ms' 'p99 ms' 'peak RSS MiB'
printf '%-34s %10s %9s %9s %14s\n' "noisett serve" "$n_rps" "$n_p50" "$n_p99" "$n_mib"
printf '%-34s %10s %9s %9s %14s\n' "reference (FastAPI, $WORKERS workers)" "$r_rps" "$r_p50" "$r_p99" "$r_mib"
echo
echo "requests/s: noisett ${RPS_RATIO}x the reference (target >= ${RPS_TARGET}x): $(verdict "$RPS_RATIO" "$RPS_TARGET")"
echo "memory: the reference uses ${MEM_RATIO}x noisett's (target >= ${MEMORY_TARGET}x): $(verdict "$MEM_RATIO" "$MEMORY_TARGET")"
echo "RESULT noisett $n_rps $n_p50 $n_p99 $n_mib"
echo "RESULT reference $r_rps $r_p50 $r_p99 $r_mib"
