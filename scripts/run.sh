#!/usr/bin/env bash
# The main job on the embedded default: set-up if needed, release build, then `noisett optimize`
# on a few sample images made here, printing where the results are.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh release

samples=samples/input
out=samples/output
/usr/bin/python3 scripts/make_samples.py "$samples"
echo
echo "== noisett optimize ${samples}/* --out ${out}"
status=0
build/release/bin/noisett optimize "$samples"/* --out "$out" || status=$?
echo
echo "Optimized images and thumbnails are in $(pwd)/${out}:"
ls -l "$out"
# The samples include one deliberately broken file, so exit status 1 is the expected outcome.
if [[ $status -ne 0 && $status -ne 1 ]]; then exit "$status"; fi
