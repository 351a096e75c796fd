#!/usr/bin/env bash
# Configures (once) and builds one build type into build/<dir>.
# Usage: scripts/build.sh release|sanitize [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:?usage: scripts/build.sh release|sanitize}
shift
case "$kind" in
  release) type=Release ;;
  sanitize) type=Sanitize ;;
  *) echo "build: unknown build '$kind' (release or sanitize)" >&2; exit 2 ;;
esac

dir="build/$kind"
export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/ccache}"
if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
fi
cmake --build "$dir"
