#!/usr/bin/env bash
# Which of our source files one upload runs: `noisett serve` under valgrind's callgrind, with
# collection switched on just for one POST /api/images of a 1 MB PNG (after a warm-up upload, so
# start-up, first-use caches and the token's first validation are not counted), then the files of
# src/ whose functions ran, counted and listed. A measure of how many files a reader follows for
# one upload (docs/architecture.md). Slow (valgrind): about a minute.
#   scripts/upload_path.sh [BIN]     BIN: a noisett binary (default build/release/bin/noisett)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build/release/bin/noisett}")
command -v valgrind >/dev/null || { echo "upload_path: valgrind is missing" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; [[ -n ${KEEP:-} ]] || rm -rf "$work"' EXIT
/usr/bin/python3 scripts/make_samples.py "$work/in" >/dev/null
# libvips' run-time generated (ORC) code uses instructions valgrind cannot run: off here.
VIPS_NOVECTOR=1 valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/cg.out" \
  "$bin" serve --auth dev --data-dir "$work/data" --listen 127.0.0.1:0 --lifecycle-interval off \
  >"$work/serve.log" 2>&1 &
server=$!
port=
for _ in $(seq 1 600); do
  port=$(grep -o 'serving on http://127.0.0.1:[0-9]*' "$work/serve.log" | grep -o '[0-9]*$' || true)
  [[ -n $port ]] && break
  sleep 0.2
done
[[ -n $port ]] || { echo "upload_path: the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
token=$("$bin" token --user alice --data-dir "$work/data")
upload() {
  curl -fsS -o /dev/null -X POST --data-binary @"$work/in/landscape.png" -H 'Content-Type: image/png' \
    -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/images?prompt=$1"
}
upload warm-up
callgrind_control -i on "$server" >/dev/null
upload measured
callgrind_control -i off "$server" >/dev/null
callgrind_control -d "$server" >/dev/null
sleep 1
kill -TERM "$server"; wait "$server" 2>/dev/null || true
# Callgrind names each file once, "(id) name", on whichever line first mentions it (fl=, fi=, fe=,
# cfi=, cfl=) and by "(id)" alone after that; code that ran is under fl= (the function's file) or
# fi=/fe= (code inlined from another file, most of a release build's headers and small functions).
# Keep the files of src/ that had code run.
files=$(cat "$work"/cg.out* | /usr/bin/python3 -c '
import re, sys
names, ran = {}, set()
for line in sys.stdin:
    m = re.match(r"^(c?f[lie])=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
    if not m:
        continue
    if m.group(3):
        names[m.group(2)] = m.group(3)
    if m.group(1) in ("fl", "fi", "fe"):
        ran.add(m.group(2))
for n in sorted({names.get(i, "") for i in ran}):
    m = re.search(r"(?:^|/)(src/[a-z_/]*\.(?:cc|h))$", n)
    if m:
        print(m.group(1))
' | sort -u)
echo "$files"
echo "source files of src/ one upload runs: $(grep -c '\.cc$' <<<"$files") .cc, $(grep -c '\.h$' <<<"$files") .h"
