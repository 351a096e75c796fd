#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzz.cc) with clang-14, ASan + UBSan + coverage, in
# build/fuzz, and runs each for SECONDS (default 60) from its committed seeds in fuzz/corpus/NAME
# (NAME = the target without "_fuzz"), as many at once as there are cores. The seeds stay
# pristine: what the fuzzer finds goes to build/fuzz/corpus/NAME, which later runs start from too.
#
# Usage: scripts/fuzz.sh [SECONDS | --build-only | --list]
# --build-only builds and runs nothing; --list prints each target's NAME and -max_len.
# Exit status: 0 when every target ran its time with no crash, leak, timeout or sanitizer report;
# 1 otherwise, after running all of them: each failure is named with its artifact (the input
# that triggers it, under build/fuzz/artifacts/NAME/) and its log (build/fuzz/logs/NAME.log).
# 2 for a bad argument or a failed build.
set -euo pipefail
cd "$(dirname "$0")/.."

# The targets (fuzz/NAME_fuzz.cc, seeds in fuzz/corpus/NAME) and each one's largest input: images
# need room for a small file; the rest are text whose interesting cases are short, and a small
# -max_len keeps execs/s high. bench/fuzz.sh reads this table through --list.
FUZZ_TARGETS=(image jwt link multipart policy command http)
declare -A FUZZ_MAX_LEN=(
  [image]=16384 [jwt]=4096 [link]=1024 [multipart]=2048 [policy]=4096 [command]=1024
  [http]=4096
)
if [[ ${1:-} == --list ]]; then
  for name in "${FUZZ_TARGETS[@]}"; do echo "$name ${FUZZ_MAX_LEN[$name]}"; done
  exit 0
fi

seconds=${1:-60}
build_only=0
if [[ $seconds == --build-only ]]; then build_only=1; seconds=1; fi
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SECONDS must be a positive integer" >&2; exit 2; }

build=build/fuzz
export CCACHE_DIR=$PWD/build/ccache CCACHE_BASEDIR=$PWD
# -gline-tables-only: file:line in reports without full debug info (much faster to compile).
flags="-O1 -gline-tables-only -fsanitize=fuzzer-no-link,address,undefined"
flags+=" -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [[ ! -f $build/build.ninja ]]; then
  if ! CC=clang-14 CXX=clang++-14 cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DNOISETT_BUILD_FUZZ=ON -DNOISETT_BUILD_TESTS=OFF -DNOISETT_BUILD_BENCH=OFF >/dev/null; then
    echo "fuzz: cmake failed" >&2
    exit 2
  fi
fi
# Only the fuzz targets and the libraries they link.
if ! ninja -C "$build" fuzz_targets; then
  echo "fuzz: build failed" >&2
  exit 2
fi
((build_only)) && exit 0

# glib/libvips process-lifetime allocations are listed there (none today); our leaks still fail.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

mkdir -p "$build/logs"

# One target for SECONDS; its exit status in logs/NAME.status. Targets run side by side, one per
# core (each fuzzer is single-threaded): the same fuzzing time each, in a fraction of the wall time.
run_target() {
  local name=$1 status=0
  local corpus=$build/corpus/$name artifacts=$build/artifacts/$name log=$build/logs/$name.log
  mkdir -p "$corpus" "$artifacts"
  # -timeout: one input running 10 s is a hang (every target's inputs take milliseconds).
  "$build/bin/${name}_fuzz" -max_total_time="$seconds" -max_len="${FUZZ_MAX_LEN[$name]}" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "fuzz/corpus/$name" >"$log" 2>&1 || status=$?
  echo "$status" >"$build/logs/$name.status"
}

cores=$(nproc)
running=0
for name in "${FUZZ_TARGETS[@]}"; do
  echo "== fuzz: ${name}_fuzz for ${seconds}s"
  run_target "$name" &
  running=$((running + 1))
  if ((running >= cores)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=()
for name in "${FUZZ_TARGETS[@]}"; do
  log=$build/logs/$name.log
  status=$(cat "$build/logs/$name.status" 2>/dev/null || echo "no status")
  echo "== fuzz: ${name}_fuzz"
  grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::average_exec_per_sec)' "$log" || true
  # A sanitizer report that did not stop the run still fails it.
  if [[ $status != 0 ]] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    echo "== fuzz: ${name}_fuzz FAILED (status $status); input: ${artifact:-none written}; log: $log"
    grep -E 'ERROR: |runtime error:|SUMMARY:' "$log" | head -n 5 || true
    failed+=("${name}_fuzz")
  else
    echo "== fuzz: ${name}_fuzz ran ${seconds}s with no crash"
  fi
done

if ((${#failed[@]})); then
  echo "== fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "== fuzz: all ${#FUZZ_TARGETS[@]} targets ran ${seconds}s each with no crash"
