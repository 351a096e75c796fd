#!/usr/bin/env bash
# Configures and builds one build type into build/<kind>.
# Usage: scripts/build.sh release|sanitize [--main] [extra cmake args...]
#   --main   only the `noisett` program (scripts/run.sh): no tests, no benchmarks, so neither
#            GoogleTest nor Google Benchmark is needed and nothing else is compiled
# The configure step runs every time (a second or two): what a previous call chose, such as
# --main leaving the tests out, is set again rather than kept.
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:?usage: scripts/build.sh release|sanitize [--main] [cmake args...]}
shift
case "$kind" in
  release) type=Release ;;
  sanitize) type=Sanitize ;;
  *) echo "build: unknown build '$kind' (release or sanitize)" >&2; exit 2 ;;
esac
target=()
parts=(-DNOISETT_BUILD_TESTS=ON -DNOISETT_BUILD_BENCH=ON)
if [[ ${1:-} == --main ]]; then
  shift
  target=(--target noisett)
  parts=(-DNOISETT_BUILD_TESTS=OFF -DNOISETT_BUILD_BENCH=OFF)
fi

dir="build/$kind"
export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/ccache}"
# Paths under the tree are hashed relative to the build folder (both at build/KIND), so the tests'
# files, compiled with the same flags in both builds (tests/CMakeLists.txt), hit the cache in the
# second build.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${parts[@]}" "$@" >/dev/null
cmake --build "$dir" "${target[@]}"
