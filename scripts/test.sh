#!/usr/bin/env bash
# Set-up if needed, both builds (release and ASan+UBSan), every test through ctest in each, then
# one summary line. Exit status is non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "== build: release"
bash scripts/build.sh release
echo "== build: sanitize (ASan + UBSan)"
bash scripts/build.sh sanitize -DNOISETT_BUILD_BENCH=OFF

# glib and libvips keep process-lifetime allocations (type system, thread pool) that LeakSanitizer
# reports at exit; tests/lsan.supp names exactly those, so leaks in our code still fail.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# One Azurite (HTTPS, --oauth basic) for the Azure suites of both runs, in a temporary folder; the
# trap stops it and removes the folder however this script ends. Each test uses its own container.
azurite_dir=$(mktemp -d)
stop_azurite() {
  bash scripts/azurite.sh stop "$azurite_dir/azurite" || true
  rm -rf "$azurite_dir"
}
trap stop_azurite EXIT
echo "== azurite"
azurite_env=$(bash scripts/azurite.sh start "$azurite_dir/azurite" $$)
eval "$azurite_env"
echo "Azurite at $NOISETT_TEST_AZURITE_ENDPOINT"

passed=0
failed=0
run_suite() {
  local name=$1 dir=$2 log
  log=$(mktemp)
  echo "== tests: $name"
  local status=0
  ctest --test-dir "$dir" --output-on-failure -j 2 2>&1 | tee "$log" || status=$?
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1 || true)
  if [[ -z "$line" ]]; then
    echo "== $name: ctest printed no summary (status $status)"
    failed=$((failed + 1))
  else
    local f total
    f=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + total - f))
    failed=$((failed + f))
  fi
  rm -f "$log"
}

run_suite release build/release
run_suite sanitize build/sanitize

# The token parser and verifier under libFuzzer for 60 s (clang-14, ASan + UBSan).
echo "== fuzz"
if bash scripts/fuzz.sh 60; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo
echo "== summary (release + sanitize builds, and the fuzz run)"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
