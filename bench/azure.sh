#!/usr/bin/env bash
# Noisett's Azure blob store against the official JavaScript SDK, side by side in one run (issue 6):
# put and get of 200 KB blobs against one Azurite (HTTPS, Shared Key, on loopback), through
#   noisett  AzureBlobStore over AzureClient (bench/azure_bench.cc, C++ threads), and
#   sdk      @azure/storage-blob (bench/azure_sdk.mjs, node async workers),
# each with the same number of requests in flight (--concurrency), each in its own container.
# Target: noisett >= 1x the SDK's ops/s.
#
# Both clients share the machine's cores with Azurite itself, which does most of the work (it is
# node too), so the ratio says how much client overhead each adds on the way to the same server,
# not what either would reach against Azure. Phases alternate (noisett put, sdk put, noisett get,
# sdk get) for --rounds rounds, and each figure is the median over rounds, so drift in the
# machine's load hits both sides alike.
#
# Usage: bench/azure.sh [--build build/release] [--seconds 10] [--concurrency 1,8] [--rounds 3]
#                       [--size 204800]
# Needs node and `npm ci` (azurite, @azure/storage-blob) at the project root, and openssl.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BUILD=build/release
SECONDS_EACH=10
CONCURRENCY=(1 8)
ROUNDS=3
SIZE=204800
TARGET=1.0

USAGE_UNTIL=--size
# shellcheck source-path=SCRIPTDIR source=usage.sh
source bench/usage.sh

while (($#)); do
  case $1 in
    --build) BUILD=${2:?--build needs a directory}; shift 2 ;;
    --seconds) SECONDS_EACH=${2:?--seconds needs a number}; shift 2 ;;
    --concurrency) IFS=, read -r -a CONCURRENCY <<<"${2:?--concurrency needs a list}"; shift 2 ;;
    --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
    --size) SIZE=${2:?--size needs a number of bytes}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "azure: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
for n in "$SECONDS_EACH" "$ROUNDS" "$SIZE" "${CONCURRENCY[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "azure: '$n' is not a positive integer" >&2; exit 2; }
done

note() { echo "azure: $*" >&2; }
die() { note "$*"; exit 1; }

command -v node >/dev/null || die "node is needed (scripts/setup.sh)"
[[ -d node_modules/@azure/storage-blob && -x node_modules/.bin/azurite-blob ]] ||
  die "npm packages missing: run 'npm ci' in $ROOT"
[[ -f $BUILD/CMakeCache.txt ]] ||
  die "$BUILD is not configured: cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release"
# Only our target: the rest of the project may be mid-change.
build_log=$(mktemp)
if ! cmake --build "$BUILD" --target azure_bench >"$build_log" 2>&1; then
  tail -n 15 "$build_log" >&2
  rm -f "$build_log"
  die "building azure_bench in $BUILD failed"
fi
rm -f "$build_log"
BENCH=$BUILD/bin/azure_bench
[[ -x $BENCH ]] || die "$BENCH not found (configured with NOISETT_BUILD_BENCH=OFF?)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/noisett-azure-bench.XXXXXX")
cleanup() {
  scripts/azurite.sh stop "$WORK/azurite" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

note "starting Azurite in $WORK/azurite"
azurite_env=$(scripts/azurite.sh start "$WORK/azurite" $$) || die "scripts/azurite.sh start failed"
eval "$azurite_env"
ENDPOINT=${NOISETT_TEST_AZURITE_ENDPOINT:?scripts/azurite.sh printed no endpoint}
CA=${NOISETT_TEST_AZURITE_CA:?scripts/azurite.sh printed no CA file}

# measure SIDE OP CONCURRENCY: runs one phase; appends "requests/s p50 p99" to WORK/SIDE-OP-C.
measure() {
  local side=$1 op=$2 c=$3 line
  local args=(--endpoint "$ENDPOINT" --container "bench-$side" --op "$op" --concurrency "$c"
    --seconds "$SECONDS_EACH" --size "$SIZE")
  if [[ $side == noisett ]]; then
    line=$("$BENCH" "${args[@]}" --ca "$CA") || die "azure_bench $op -c $c failed"
  else
    line=$(NODE_EXTRA_CA_CERTS=$CA node bench/azure_sdk.mjs "${args[@]}") ||
      die "azure_sdk.mjs $op -c $c failed"
  fi
  local got_op got_c requests secs p50 p99
  IFS=$'\t' read -r got_op got_c requests secs p50 p99 <<<"$line"
  [[ $got_op == "$op" && $got_c == "$c" ]] || die "$side printed '$line' for $op -c $c"
  awk -v r="$requests" -v s="$secs" -v a="$p50" -v b="$p99" \
    'BEGIN { printf "%.1f %s %s\n", r / s, a, b }' >>"$WORK/$side-$op-$c"
  printf ' %s %s %.0f/s' "$side" "$op" "$(awk -v r="$requests" -v s="$secs" 'BEGIN { print r / s }')" >&2
}

for ((round = 1; round <= ROUNDS; round++)); do
  for c in "${CONCURRENCY[@]}"; do
    printf 'round %d/%d, %d in flight:' "$round" "$ROUNDS" "$c" >&2
    for op in put get; do
      measure noisett "$op" "$c"
      measure sdk "$op" "$c"
    done
    echo >&2
  done
done

# median FILE COLUMN (1 = requests/s, 2 = p50, 3 = p99)
median() {
  awk -v col="$2" '{ print $col }' "$1" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "noisett Azure blob store vs @azure/storage-blob $(node -p 'require("./node_modules/@azure/storage-blob/package.json").version'), both against Azurite $(node -p 'require("./node_modules/azurite/package.json").version') (HTTPS, Shared Key, loopback)"
echo "$(nproc) cores shared by the client and Azurite, $(uname -m); $((SIZE / 1024)) KB blobs; medians of $ROUNDS rounds of ${SECONDS_EACH}s;" \
  "tree $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| op | in flight | noisett ops/s | sdk ops/s | noisett/sdk | target | noisett p50 / p99 ms | sdk p50 / p99 ms |"
echo "|---|---|---|---|---|---|---|---|"
for op in put get; do
  for c in "${CONCURRENCY[@]}"; do
    ours=$(median "$WORK/noisett-$op-$c" 1)
    theirs=$(median "$WORK/sdk-$op-$c" 1)
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
    verdict=$(awk -v r="$ratio" -v t="$TARGET" 'BEGIN { print (r >= t) ? "PASS" : "MISS" }')
    printf '| %s | %d | %.1f | %.1f | %sx | >= %sx %s | %s / %s | %s / %s |\n' "$op" "$c" \
      "$ours" "$theirs" "$ratio" "$TARGET" "$verdict" \
      "$(median "$WORK/noisett-$op-$c" 2)" "$(median "$WORK/noisett-$op-$c" 3)" \
      "$(median "$WORK/sdk-$op-$c" 2)" "$(median "$WORK/sdk-$op-$c" 3)"
  done
done
