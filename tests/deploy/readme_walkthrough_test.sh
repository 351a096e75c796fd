#!/usr/bin/env bash
# README.md's walkthrough (the ```sh block after "this walkthrough"), run as written against a
# real `noisett serve --auth dev`: every command must exit 0 (set -e, pipefail), the image link
# it extracts with jq must download a JPEG, and the history must show the upload and the
# generation. Only the two things a test cannot share with a person's machine change: the
# address (a free loopback port instead of 127.0.0.1:8080) and the data directory (a scratch one
# instead of ./data). Run from any directory: it works in a copy of the project root's layout.
# Usage: readme_walkthrough_test.sh PROJECT_ROOT NOISETT_BIN
set -euo pipefail

root=${1:?usage: readme_walkthrough_test.sh PROJECT_ROOT NOISETT_BIN}
bin=${2:?usage: readme_walkthrough_test.sh PROJECT_ROOT NOISETT_BIN}
for tool in curl jq python3; do
  command -v "$tool" >/dev/null || { echo "readme_walkthrough: $tool is missing (scripts/setup.sh)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/noisett-readme.XXXXXX")
server=
cleanup() {
  if [[ -n $server ]]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The block, exactly as the README has it.
python3 - "$root/README.md" >"$work/walk.sh" <<'PY'
import sys
text = open(sys.argv[1]).read()
start = text.index("and prints a dev token for user `alice` and this walkthrough")
block = text[text.index("```sh\n", start) + len("```sh\n"):]
print(block[:block.index("```")], end="")
PY
grep -q 'jq -r' "$work/walk.sh" || { echo "readme_walkthrough: no walkthrough block found" >&2; exit 1; }

# The layout the walkthrough expects: build/release/bin/noisett and samples/input, under $work.
mkdir -p "$work/build/release/bin"
ln -s "$(realpath "$bin")" "$work/build/release/bin/noisett"
# Debian's python3 (python3-pil), as scripts/run.sh uses it.
/usr/bin/python3 "$root/scripts/make_samples.py" "$work/samples/input" >/dev/null

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -i "s|127\.0\.0\.1:8080|127.0.0.1:$port|g" "$work/walk.sh"

cd "$work"
"$bin" serve --auth dev --data-dir ./data --listen "127.0.0.1:$port" --lifecycle-interval off \
  >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

if ! bash -euo pipefail "$work/walk.sh" >"$work/out.txt" 2>"$work/err.txt"; then
  echo "readme_walkthrough: a command of the README's walkthrough failed" >&2
  tail -n 20 "$work/err.txt" >&2
  exit 1
fi
# The link the walkthrough extracted downloaded the image itself, not an error answer.
[[ $(head -c 3 image.jpg | od -An -tx1 | tr -d ' \n') == ffd8ff ]] ||
  { echo "readme_walkthrough: image.jpg is not a JPEG" >&2; exit 1; }
# history.list through the CLI (remote mode) shows the upload beside the generation.
grep -q '"prompt":"a landscape"' "$work/out.txt" ||
  { echo "readme_walkthrough: the history does not show the upload" >&2; exit 1; }
echo "readme_walkthrough: every command ran as written"
