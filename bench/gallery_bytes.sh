#!/usr/bin/env bash
# Gallery bytes (issue 23): the image bytes a browser downloads to show the gallery's first page,
# with renditions (AVIF and WebP <picture> sources) against the JPEG-only page, at 1x and 2x,
# and on a repeat visit (target: none). docs/performance.md, "Gallery bytes".
#
# One run starts `noisett serve --auth dev` three times on loopback, each with the same uploads:
#   renditions  renditions on (--renditions avif,webp, the default): the page takes each tile's
#               AVIF at its width and density, WebP where AVIF is not decoded
#   jpeg        --renditions none, the same page: each <img> picks from the JPEG pair alone
#               (the 256 px thumbnail, or the full image where a 2x screen needs more)
#   today       the jpeg server's data again, serving web/ as it was before <picture>
#               (git archive $TODAY_WEB web/): every tile is the 256 px JPEG thumbnail
# Uploads: bench/make_inputs.py's photo-like set (20 PNG 1024, 10 PNG 2048, 10 JPEG 4096x3072,
# 10 WebP 1536; the same set bench/renditions.sh's synth rows come from), interleaved so each
# page mixes them, one job each (COUNT of them). The renditions server's uploads are followed
# until no image is pending. With --inputs generated, the uploads are instead COUNT 1024 px images
# of the `noise` generator (bench/renditions_bench --noise, as the job runner makes them): what
# the gallery shows in this app, where every image is generated.
#
# Each page is opened by bench/gallery_bytes.mjs in a new Chromium context (empty cache) at
# 1280 x 860, device scale factor 1 and then 2, signed in, without scrolling; it counts the
# signed-link (/blobs/) answers that came over the network and their bytes, then reloads a
# second later and counts again. The encode time per image is the renditions server's
# noisett_rendition_duration_seconds histogram (sum / count) from --metrics-addr.
#
# Usage: bench/gallery_bytes.sh [--build build/release] [--count 50] [--today-web COMMIT]
#                               [--inputs photo|generated]
# Needs /usr/bin/chromium, node with playwright-core (npm ci), Debian's python3-pil, curl, jq.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH_NAME=gallery_bytes
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

BUILD=build/release
COUNT=50
# The last tree whose gallery showed <img src=thumbnail> (before the <picture> gallery).
TODAY_WEB=cae5c59
INPUT_SET=photo
while (($#)); do
  case $1 in
    --inputs) INPUT_SET=${2:?}; shift 2 ;;
    --build) BUILD=${2:?}; shift 2 ;;
    --count) COUNT=${2:?}; shift 2 ;;
    --today-web) TODAY_WEB=${2:?}; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) bench_die "unknown argument '$1'" ;;
  esac
done
((COUNT >= 1 && COUNT <= 50)) || bench_die "--count is 1..50 (the input set)"

BIN=$BUILD/bin/noisett
[[ -x $BIN ]] || bench_die "no $BIN: scripts/build.sh release"
[[ -x /usr/bin/chromium ]] || bench_die "needs /usr/bin/chromium (apt-get install chromium)"
command -v jq >/dev/null || bench_die "needs jq"
node -e 'import("playwright-core")' 2>/dev/null || bench_die "needs playwright-core: npm ci"

LOAD_AT_START=$(cut -d ' ' -f 1-3 /proc/loadavg)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/noisett-gallery-bytes.XXXXXX")
trap bench_cleanup EXIT
DRIVER=(node bench/gallery_bytes.mjs)

# --- inputs: interleaved so that every page of history mixes sizes and formats --------------------
if [[ $INPUT_SET == generated ]]; then
  [[ -x $BUILD/bin/renditions_bench ]] || bench_die "no $BUILD/bin/renditions_bench (configure with -DNOISETT_BUILD_BENCH=ON)"
  "$BUILD/bin/renditions_bench" --noise "$WORK/generated" "$COUNT" 1024 >&2
  find "$WORK/generated" -type f -name 'noise_*' | sort >"$WORK/files"
  [[ $(wc -l <"$WORK/files") -eq $COUNT ]] || bench_die "renditions_bench --noise wrote too few images"
else
  [[ $INPUT_SET == photo ]] || bench_die "--inputs is photo or generated"
  INPUTS=$BUILD/bench-inputs
  /usr/bin/python3 bench/make_inputs.py "$INPUTS" >&2
  declare -a SETS=()
  for set in png1024 png2048 jpeg4096 webp1536; do
    mapfile -t files < <(find "$INPUTS/$set" -type f ! -name '.*' | sort)
    SETS+=("${files[*]}")
  done
  order=()
  for i in $(seq 0 19); do
    for list in "${SETS[@]}"; do
      read -r -a files <<<"$list"
      ((i < ${#files[@]})) && order+=("${files[$i]}")
    done
  done
  # Upload order is oldest first; order[0] ends up the newest, at the top of the page.
  for ((i = COUNT - 1; i >= 0; i--)); do echo "${order[$i]}"; done >"$WORK/files"
fi

# --- the servers ---------------------------------------------------------------------------------
mkdir -p "$WORK/today"
git archive "$TODAY_WEB" web | tar -x -C "$WORK/today" || bench_die "cannot extract web/ at $TODAY_WEB"

# serve NAME DATA_DIR WEB_DIR ARGS...: sets NOISETT_BASE and METRICS (the metrics listener).
serve() {
  local name=$1 data=$2 web=$3 port
  shift 3
  port=$(free_port)
  METRICS=http://127.0.0.1:$port
  start_noisett "$BIN" "$data" "$WORK/$name.log" --auth dev --web-dir "$web" \
    --metrics-addr "127.0.0.1:$port" --lifecycle-interval off "$@"
}

# measure NAME: the page at 1x and 2x; appends "NAME PAGE-JSON" lines to $WORK/pages.
measure() {
  local scale line
  for scale in 1 2; do
    line=$("${DRIVER[@]}" --mode page --url "$NOISETT_BASE" --user bench --scale "$scale" | grep '^PAGE ') ||
      bench_die "the page did not load ($1, ${scale}x; see $WORK/$1.log)"
    echo "$1 ${line#PAGE }" >>"$WORK/pages"
  done
}

: >"$WORK/pages"
bench_note "renditions on: uploading $COUNT images and waiting for their renditions"
serve renditions "$WORK/data-renditions" "$ROOT/web" --renditions avif,webp
UP_ON=$("${DRIVER[@]}" --mode upload --url "$NOISETT_BASE" --user bench --files "$WORK/files" --wait 1 | grep '^UPLOADS ')
UP_ON=${UP_ON#UPLOADS }
measure renditions
metrics=$(curl -fsS "$METRICS/metrics") || bench_die "no /metrics on $METRICS"
read -r ENC_SUM ENC_COUNT < <(awk '
  /^noisett_rendition_duration_seconds_sum/ { s += $NF }
  /^noisett_rendition_duration_seconds_count/ { c += $NF }
  END { print s + 0, c + 0 }' <<<"$metrics")
RENDITION_MB=$(du -sb "$WORK/data-renditions" | cut -f1)
stop_noisett

bench_note "renditions off: uploading the same $COUNT images"
serve jpeg "$WORK/data-jpeg" "$ROOT/web" --renditions none
UP_OFF=$("${DRIVER[@]}" --mode upload --url "$NOISETT_BASE" --user bench --files "$WORK/files" | grep '^UPLOADS ')
UP_OFF=${UP_OFF#UPLOADS }
measure jpeg
stop_noisett
JPEG_MB=$(du -sb "$WORK/data-jpeg" | cut -f1)
serve today "$WORK/data-jpeg" "$WORK/today/web" --renditions none
measure today
stop_noisett

# --- the table -----------------------------------------------------------------------------------
inputs_label="bench/make_inputs.py"
[[ $INPUT_SET == generated ]] && inputs_label="the noise generator, 1024 px"
echo "gallery bytes, $(date -u '+%Y-%m-%d %H:%M UTC'), $COUNT uploads ($inputs_label), 1280 x 860"
echo "host: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), load average at start $LOAD_AT_START"
echo "browser: $(chromium --version 2>/dev/null | head -n 1)"
echo "tree: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)'); today's page: web/ at $TODAY_WEB"
echo
jq -rn --rawfile pages "$WORK/pages" '
  def kb: (. / 1024 * 10 | round / 10 | tostring) + " KB";
  def pct(a; b): if b == 0 then "-" else ((a - b) * 100 / b | round) as $p | (if $p > 0 then "+" else "" end) + ($p | tostring) + " %" end;
  def types: .byType | to_entries | map("\(.value.count) \(.key | sub("image/"; ""))") | join(", ");
  ($pages | split("\n") | map(select(length > 0) | capture("^(?<name>\\S+) (?<json>.*)$") | {name, page: (.json | fromjson)})) as $rows
  | def page(n; s): ($rows[] | select(.name == n and .page.scale == s) | .page);
  "| visit | renditions on | JPEG only, same page | vs JPEG only | today'"'"'s page (thumbnails) | vs today |",
  "|---|---|---|---|---|---|",
  (1, 2) as $s
  | (page("renditions"; $s)) as $a | (page("jpeg"; $s)) as $b | (page("today"; $s)) as $c
  | "| first, \($s)x (\($a.tiles) tiles) | \($a.first.body | kb) (\($a.first | types)) | \($b.first.body | kb) (\($b.first | types)) | \(pct($a.first.body; $b.first.body)) | \($c.first.body | kb) (\($c.first | types)) | \(pct($a.first.body; $c.first.body)) |",
    "| repeat, \($s)x | \($a.repeat.body | kb), \($a.repeat.network) of \($a.repeat.requests) from the network | \($b.repeat.body | kb), \($b.repeat.network) of \($b.repeat.requests) | | \($c.repeat.body | kb), \($c.repeat.network) of \($c.repeat.requests) | |"
'
echo
echo "Bytes are response bodies (Content-Length) of signed links answered over the network; on the"
echo "wire, with headers: $(jq -rn --rawfile p "$WORK/pages" '$p | split("\n") | map(select(length > 0) | split(" ") | {n: .[0], j: (.[1:] | join(" ") | fromjson)}) | map("\(.n) \(.j.scale)x \(.j.first.wire)") | join(", ")') bytes."
echo
jq -rn --argjson on "$UP_ON" --argjson off "$UP_OFF" --arg sum "$ENC_SUM" --arg count "$ENC_COUNT" \
  --arg on_bytes "$RENDITION_MB" --arg off_bytes "$JPEG_MB" '
  def r1: . * 10 | round / 10;
  "renditions: \($count) images made in the background, \(($sum | tonumber) / ([($count | tonumber), 1] | max) * 1000 | round) ms each on average (noisett_rendition_duration_seconds sum / count), \($on.renditions_wait_s | r1) s until none was pending after the last upload",
  "uploads answered (the request path; renditions are made after the answer): mean \($on.mean_ms | round) ms, p50 \($on.p50_ms | round) ms with renditions on; mean \($off.mean_ms | round) ms, p50 \($off.p50_ms | round) ms with none",
  "data dir: \(($on_bytes | tonumber) / 1048576 | r1) MiB with renditions, \(($off_bytes | tonumber) / 1048576 | r1) MiB without"
'
