#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan + coverage) in build/fuzz and runs
# jwt_fuzz for SECONDS (default 60) from the committed seeds. Exit status non-zero on a crash; the
# crashing input is left in build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

export CCACHE_DIR=$PWD/build/ccache
flags="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [[ ! -f build/fuzz/build.ninja ]]; then
  CC=clang-14 CXX=clang++-14 cmake -G Ninja -S . -B build/fuzz -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DNOISETT_BUILD_FUZZ=ON -DNOISETT_BUILD_TESTS=OFF -DNOISETT_BUILD_BENCH=OFF >/dev/null
fi
ninja -C build/fuzz jwt_fuzz

# The seeds stay pristine; the fuzzer grows a working corpus beside them.
mkdir -p build/fuzz/corpus build/fuzz/artifacts
cp -n fuzz/corpus/jwt/* build/fuzz/corpus/ 2>/dev/null || true
echo "== fuzz: jwt_fuzz for ${seconds}s"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  build/fuzz/bin/jwt_fuzz -max_total_time="$seconds" -max_len=20000 -print_final_stats=1 \
  -artifact_prefix=build/fuzz/artifacts/ build/fuzz/corpus 2>&1 | tail -n 12
status=${PIPESTATUS[0]}
if [[ $status -ne 0 ]]; then
  echo "== fuzz: jwt_fuzz FAILED (status $status); inputs in build/fuzz/artifacts/"
  exit 1
fi
echo "== fuzz: jwt_fuzz ran ${seconds}s with no crash"
