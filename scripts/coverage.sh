#!/usr/bin/env bash
# Line coverage of src/ by the test suites: builds the tree at -O0 with --coverage into
# build/coverage, runs every ctest suite (with the Azurite and PostgreSQL of the environment, if
# scripts/test.sh's variables are set), then reads the counters with gcov and prints, for the .cc
# files of src/, lines executed / lines, per module and in all. A measure for the closing notes
# (before and after a change), not a gate: nothing fails on a low figure.
#   scripts/coverage.sh [TREE]   TREE: a checkout to measure (default: this one)
set -euo pipefail
tree=$(realpath "${1:-$(dirname "$0")/..}")
dir="$tree/build/coverage"
cmake -S "$tree" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNOISETT_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-O0 --coverage" -DCMAKE_C_FLAGS="-O0 --coverage" \
  -DCMAKE_EXE_LINKER_FLAGS=--coverage >/dev/null
CCACHE_DISABLE=1 cmake --build "$dir" >/dev/null
find "$dir" -name '*.gcda' -delete
export LSAN_OPTIONS="suppressions=$tree/tests/lsan.supp"
ctest --test-dir "$dir" -j 2 --timeout 600 >"$dir/ctest.log" 2>&1 || true
grep -E 'tests passed|tests failed' "$dir/ctest.log" | tail -1
# gcov's summary of each .cc under src/ ("File .../src/MOD/x.cc", then "Lines executed:P% of N"),
# from the notes file of every object, so a file no test ran counts with 0 lines executed.
cd "$dir"
find . -name '*.gcno' -path '*/src/*' | while read -r gcno; do
  gcov -n -o "$(dirname "$gcno")" "$gcno" 2>/dev/null
done | awk -v root="$tree/src/" '
  /^File / { file = $2; gsub(/\x27/, "", file); keep = index(file, root) == 1 && file ~ /\.cc$/ }
  /^Lines executed:/ && keep {
    split($2, a, "%"); pct = substr(a[1], 10); n = $4
    if (!(file in total)) { total[file] = n; hit[file] = int(pct * n / 100 + 0.5) }
    keep = 0
  }
  END {
    for (f in total) {
      m = substr(f, length(root) + 1); sub(/\/.*/, "", m)
      mt[m] += total[f]; mh[m] += hit[f]; T += total[f]; H += hit[f]
    }
    for (m in mt) printf "%-10s %6d / %6d lines  %5.1f%%\n", m, mh[m], mt[m], 100 * mh[m] / mt[m]
    printf "%-10s %6d / %6d lines  %5.1f%%\n", "all", H, T, 100 * H / T
  }' | sort
