#!/usr/bin/env bash
# Long fuzzing runs (issue 10): each libFuzzer target (fuzz/*_fuzz.cc; clang-14, ASan + UBSan,
# built by scripts/fuzz.sh in build/fuzz) runs for --seconds (default 600) on one core, starting
# from its committed seeds only (fuzz/corpus/NAME, into a fresh working corpus), then one table:
#   target      the fuzz target
#   seconds     how long it ran (libFuzzer's -max_total_time; less when it stopped at a crash)
#   execs       inputs run (stat::number_of_executed_units)
#   execs/s     execs / seconds (stat::average_exec_per_sec)
#   cov         coverage points (edges) reached, libFuzzer's `cov:` on its last status line
#   ft          features (edges with hit counts, value profiles), libFuzzer's `ft:` on that line
#   corpus      inputs kept in the working corpus at the end (`corp:` on that line)
#   crashes     crash, leak, timeout and out-of-memory inputs written; libFuzzer stops at the first,
#               so 0 or 1; the input and the log stay in build/fuzz/bench/NAME/
# The ASan + UBSan instrumentation costs execs/s (often 2-5x), and the machine's 2 cores are
# shared: compare runs on one machine, not with numbers from elsewhere.
#
# Usage: bench/fuzz.sh [--seconds 600] [--target NAME]
# NAME is a target without "_fuzz" (`scripts/fuzz.sh --list`: image, jwt, link, multipart,
# policy, command, http); every target by default. Exit status: 0 when every target ran with no crash, 1 after a crash, 2 for a bad
# argument or a failed build.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SECONDS_EACH=600
declare -A MAX_LEN=()
TARGETS=()
while read -r name len; do
  MAX_LEN[$name]=$len
  TARGETS+=("$name")
done < <(bash scripts/fuzz.sh --list)

# shellcheck source-path=SCRIPTDIR source=usage.sh
source bench/usage.sh

while (($#)); do
  case $1 in
    --seconds) SECONDS_EACH=${2:?--seconds needs a number}; shift 2 ;;
    --target) TARGETS=("${2:?--target needs a name}"); shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "fuzz: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
[[ $SECONDS_EACH =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --seconds must be a positive integer" >&2; exit 2; }
for name in "${TARGETS[@]}"; do
  [[ -n ${MAX_LEN[$name]:-} ]] || { echo "fuzz: no target '$name' (scripts/fuzz.sh --list)" >&2; exit 2; }
done

bash scripts/fuzz.sh --build-only || exit 2

# The same sanitizer settings as scripts/fuzz.sh.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# field LOG NAME: the value of "NAME: value" on libFuzzer's last status line ("#N DONE cov: ...").
field() {
  grep -E '^#[0-9]+[[:space:]]' "$1" | tail -n 1 | sed -nE "s/.* $2: ([^ ]+).*/\\1/p"
}
# final_stat LOG NAME: a "stat::NAME: value" line of -print_final_stats.
final_stat() {
  sed -nE "s/^stat::$2: +([0-9]+).*/\\1/p" "$1" | tail -n 1
}

rows=()
failed=0
for name in "${TARGETS[@]}"; do
  dir=build/fuzz/bench/$name
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  echo "fuzz: ${name}_fuzz for ${SECONDS_EACH}s" >&2
  start=$(date +%s)
  # One core, so targets and runs compare.
  status=0
  taskset -c 0 "build/fuzz/bin/${name}_fuzz" -max_total_time="$SECONDS_EACH" \
    -max_len="${MAX_LEN[$name]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$dir/corpus" "fuzz/corpus/$name" >"$dir/log" 2>&1 ||
    status=$?
  ran=$(($(date +%s) - start))
  crashes=$(find "$dir/artifacts" -type f | wc -l)
  if ((status != 0 || crashes > 0)); then
    failed=1
    echo "fuzz: ${name}_fuzz stopped (status $status); see $dir/log and $dir/artifacts/" >&2
  fi
  rows+=("$(printf '%-10s %8s %12s %9s %7s %7s %7s %8s' "$name" "$ran" \
    "$(final_stat "$dir/log" number_of_executed_units)" "$(final_stat "$dir/log" average_exec_per_sec)" \
    "$(field "$dir/log" cov)" "$(field "$dir/log" ft)" "$(field "$dir/log" corp | cut -d/ -f1)" \
    "$crashes")")
done

printf '%-10s %8s %12s %9s %7s %7s %7s %8s\n' target seconds execs execs/s cov ft corpus crashes
printf '%s\n' "${rows[@]}"
exit "$failed"
