#!/usr/bin/env bash
# The server's benchmark, side by side in one run (issue 5):
#   gets     signed GETs with wrk (64 connections, 2 threads) against `noisett serve` and against
#            nginx serving the very same files as a real deployment configures it (sendfile,
#            open_file_cache, secure_link checking a signature, buffered access log; config
#            generated here, loopback): thumbnails round robin, full images round robin, and one
#            hot thumbnail; requests/s, p50 and p99, and the ratio to nginx.
#   upload   1024x1024 PNG uploads to the server (wrk, concurrency 2) against `noisett optimize
#            --jobs 2` on the same files: images/s and the ratio (what the server adds to the
#            pipeline: HTTP, auth, blobs with fsync, catalog row).
#   history  history.list (limit 50, one connection so the latency is the service time, cycling
#            through the first 20 pages by cursor) with 10k and with 1M jobs in the catalog (rows
#            generated straight into SQLite by bench/make_history_rows.py): p50/p99 and the ratio.
#
# Usage: bench/serve.sh [--build build/release] [--seconds 30] [--sections gets,upload,history]
#                       [--rows 10000,1000000]
# Everything runs on loopback in a scratch directory that is removed at the end. The client (wrk)
# shares the 2 cores with the server it measures, for nginx as for Noisett. Needs wrk and nginx
# (scripts/setup.sh installs them); nginx is started here with its own config, never as a service.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH_NAME=serve
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

BUILD=build/release
SECONDS_PER_RUN=30
SECTIONS=(gets upload history)
ROWS=(10000 1000000)

USAGE_UNTIL=--rows
# shellcheck source-path=SCRIPTDIR source=usage.sh
source bench/usage.sh

while (($#)); do
  case $1 in
    --build) BUILD=${2:?--build needs a directory}; shift 2 ;;
    --seconds) SECONDS_PER_RUN=${2:?--seconds needs a number}; shift 2 ;;
    --sections) IFS=, read -r -a SECTIONS <<<"${2:?--sections needs a list}"; shift 2 ;;
    --rows) IFS=, read -r -a ROWS <<<"${2:?--rows needs two counts}"; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "serve: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
[[ $SECONDS_PER_RUN =~ ^[1-9][0-9]*$ ]] || { echo "serve: --seconds must be a positive integer" >&2; exit 2; }
for s in "${SECTIONS[@]}"; do
  [[ $s =~ ^(gets|upload|history)$ ]] || { echo "serve: unknown section '$s'" >&2; exit 2; }
done
if ! { ((${#ROWS[@]} == 2)) && [[ ${ROWS[0]} =~ ^[1-9][0-9]*$ && ${ROWS[1]} =~ ^[1-9][0-9]*$ ]] &&
  ((ROWS[0] < ROWS[1])); }; then
  echo "serve: --rows needs two increasing counts" >&2
  exit 2
fi

note() { bench_note "$@"; }
die() { bench_die "$@"; }

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk, or scripts/setup.sh)"
[[ -x $NGINX ]] || die "nginx is missing (apt-get install nginx, or scripts/setup.sh)"
command -v curl >/dev/null || die "curl is missing"
[[ -f $BUILD/CMakeCache.txt ]] || die "$BUILD is not configured: cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release"
cmake --build "$BUILD" --target noisett >/dev/null || die "cmake --build $BUILD --target noisett failed"
NOISETT=$BUILD/bin/noisett

WORK=$(mktemp -d "${TMPDIR:-/tmp}/noisett-serve-bench.XXXXXX")
NGINX_PID=
cleanup() {
  [[ -n $NGINX_PID ]] && kill -QUIT "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  bench_cleanup
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# The server under test: `noisett serve --auth dev` on a free loopback port, data in DATA_DIR
# (bench/lib.sh starts and stops it).
BASE=
start_server() {  # start_server DATA_DIR
  start_noisett "$NOISETT" "$1" "$WORK/server-$(basename "$1").log" --auth dev
  BASE=$NOISETT_BASE
}
stop_server() { stop_noisett; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

# ---------------------------------------------------------------------------------------------
INPUTS=$(realpath -m "$BUILD/bench-inputs")
/usr/bin/python3 bench/make_inputs.py "$INPUTS" >/dev/null
mapfile -t PNGS < <(ls "$INPUTS"/png1024/*.png)
((${#PNGS[@]} > 0)) || die "no inputs in $INPUTS/png1024"

MAIN_DATA=$WORK/main
start_server "$MAIN_DATA"
TOKEN=$("$NOISETT" token --user bench --data-dir "$MAIN_DATA" --ttl 2h)

declare -a REPORT=()

# nginx as a real deployment serves signed images: sendfile, open_file_cache (descriptors and
# sizes kept, as noisett keeps its read cache), secure_link checking an MD5 signature and an
# expiry on every request, and a buffered access log. Config written to $WORK/nginx.
NGINX_SECRET=bench-secure-link-secret
start_nginx() {  # start_nginx PORT ROOT
  local port=$1 root=$2 user_line=
  [[ $(id -u) == 0 ]] && user_line="user root;"  # workers must read the scratch dir (mode 700)
  mkdir -p "$WORK/nginx/tmp"
  cat >"$WORK/nginx/nginx.conf" <<EOF
$user_line
worker_processes 2;  # one per core, as noisett serve runs one I/O thread per core
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log $WORK/nginx/access.log combined buffer=64k flush=1s;  # noisett logs every request too
  sendfile on;
  tcp_nopush on;
  open_file_cache max=10000 inactive=60s;
  open_file_cache_valid 60s;
  open_file_cache_min_uses 1;
  open_file_cache_errors on;
  keepalive_requests 1000000;  # like noisett, never close a busy keep-alive connection
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $root;
    location /blobs/ {
      secure_link \$arg_md5,\$arg_expires;
      secure_link_md5 "\$secure_link_expires\$uri $NGINX_SECRET";
      if (\$secure_link = "") { return 403; }
      if (\$secure_link = "0") { return 410; }
      add_header Cache-Control "public, max-age=86400, immutable";
    }
  }
}
EOF
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>>"$WORK/nginx/error.log" &
  NGINX_PID=$!
}

# Each line of $1 (path?query of a noisett link) as nginx's secure link to the same path, valid a
# day: ?md5=base64url(md5("EXPIRES/path SECRET"))&expires=EXPIRES.
nginx_links() {
  /usr/bin/python3 - "$1" "$NGINX_SECRET" <<'PY'
import base64, hashlib, sys, time, urllib.parse
expires = int(time.time()) + 86400
for line in open(sys.argv[1]):
    path = line.strip().split("?")[0]
    uri = urllib.parse.unquote(path)
    digest = hashlib.md5(f"{expires}{uri} {sys.argv[2]}".encode()).digest()
    md5 = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    print(f"{path}?md5={md5}&expires={expires}")
PY
}

section_gets() {
  note "gets: uploading ${#PNGS[@]} images for their links"
  local root=$WORK/nginx-root
  : >"$WORK/thumbs.noisett"
  : >"$WORK/fulls.noisett"
  for png in "${PNGS[@]}"; do
    curl -fs -X POST --data-binary @"$png" -H 'Content-Type: image/png' \
      -H "Authorization: Bearer $TOKEN" "$BASE/api/images?prompt=bench" |
      python3 -c 'import json, sys, urllib.parse as u
image = json.load(sys.stdin)["image"]
for key, out in (("thumbnail_url", sys.argv[1]), ("url", sys.argv[2])):
    url = u.urlsplit(image[key])
    open(out, "a").write(url.path + "?" + url.query + "\n")' "$WORK/thumbs.noisett" "$WORK/fulls.noisett"
  done
  head -n 1 "$WORK/thumbs.noisett" >"$WORK/hot.noisett"
  # Each upload queued its renditions for the background worker (docs/api.md, "Renditions"):
  # measure once it is done, or its encodes would share the cores with the first measurement.
  note "gets: waiting for the uploads' renditions"
  local waited
  for waited in $(seq 1 600); do
    curl -fs -H "Authorization: Bearer $TOKEN" "$BASE/api/history?limit=50" |
      python3 -c 'import json, sys
page = json.load(sys.stdin)
sys.exit(any(i.get("renditions") == "pending" for g in page["generations"] for i in g["images"]))' &&
      break
    sleep 1
  done
  ((waited < 600)) || die "renditions still pending after 10 minutes"
  # nginx serves the same bytes at the same paths, behind its own signature.
  local kind
  for kind in thumbs fulls hot; do
    while read -r p; do
      mkdir -p "$root$(dirname "${p%%\?*}")"
      [[ -f $root${p%%\?*} ]] || curl -fs -o "$root${p%%\?*}" "$BASE$p" || die "the signed link $BASE$p failed"
    done <"$WORK/$kind.noisett"
    nginx_links "$WORK/$kind.noisett" >"$WORK/$kind.nginx"
  done
  local port
  port=$(free_port)
  start_nginx "$port" "$root"
  local first_ours first_theirs
  first_ours=$(head -n 1 "$WORK/thumbs.noisett")
  first_theirs=$(head -n 1 "$WORK/thumbs.nginx")
  for _ in $(seq 1 50); do curl -fs -o /dev/null "http://127.0.0.1:$port$first_theirs" && break; sleep 0.1; done
  cmp -s <(curl -fs "$BASE$first_ours") <(curl -fs "http://127.0.0.1:$port$first_theirs") ||
    die "nginx and noisett do not serve the same bytes for $first_ours (see $WORK/nginx/error.log)"
  # Both refuse a link whose signature is wrong: the check is really made.
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port${first_theirs/md5=/md5=x}") == 403 ]] ||
    die "nginx's secure_link accepted a bad signature (see $WORK/nginx/nginx.conf)"
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE${first_ours/sig=/sig=x}") == 403 ]] ||
    die "noisett accepted a bad signature"

  local name label ours theirs
  for name in thumbs fulls hot; do
    case $name in
      thumbs) label="thumbnails, ${#PNGS[@]} round robin" ;;
      fulls) label="full images, ${#PNGS[@]} round robin" ;;
      hot) label="one hot thumbnail" ;;
    esac
    note "gets ($label): wrk 2 threads, 64 connections, ${SECONDS_PER_RUN}s against noisett, then nginx"
    ours=$(run_wrk "$BASE" 2 64 "$SECONDS_PER_RUN" WRK_PATHS="$WORK/$name.noisett")
    theirs=$(run_wrk "http://127.0.0.1:$port" 2 64 "$SECONDS_PER_RUN" WRK_PATHS="$WORK/$name.nginx")
    read -r ours_rps ours_p50 ours_p99 <<<"$ours"
    read -r nginx_rps nginx_p50 nginx_p99 <<<"$theirs"
    REPORT+=("| signed GET, $label: noisett serve | $ours_rps req/s | p50 $ours_p50 ms, p99 $ours_p99 ms | $(ratio "$ours_rps" "$nginx_rps") nginx | ≥ 0.8x |")
    REPORT+=("| the same, nginx $("$NGINX" -v 2>&1 | sed 's|.*/||') (secure_link, open_file_cache) | $nginx_rps req/s | p50 $nginx_p50 ms, p99 $nginx_p99 ms | | |")
  done
  if kill -QUIT "$NGINX_PID"; then wait "$NGINX_PID" || true; fi
  NGINX_PID=
}

section_upload() {
  local files=$WORK/upload-files many=$WORK/optimize-inputs
  printf '%s\n' "${PNGS[@]}" >"$files"
  note "upload: wrk 2 threads, 2 connections, ${SECONDS_PER_RUN}s of PNG uploads"
  local ours
  ours=$(run_wrk "$BASE" 2 2 "$SECONDS_PER_RUN" WRK_FILES="$files" WRK_TOKEN="$TOKEN")
  read -r upload_rps upload_p50 upload_p99 <<<"$ours"
  # The same files, five times over under distinct names, so one run lasts a few seconds.
  mkdir -p "$many"
  for copy in 1 2 3 4 5; do
    for png in "${PNGS[@]}"; do ln -s "$png" "$many/${copy}_$(basename "$png")"; done
  done
  local n=$((5 * ${#PNGS[@]})) rates=()
  note "upload: noisett optimize --jobs 2 on the same $n files, median of 3"
  for _ in 1 2 3; do
    rm -rf "$WORK/optimized"
    local start end
    start=$(date +%s.%N)
    "$NOISETT" optimize "$many"/*.png --out "$WORK/optimized" --jobs 2 >/dev/null 2>&1 ||
      die "noisett optimize failed"
    end=$(date +%s.%N)
    rates+=("$(awk -v n="$n" -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", n / (b - a) }')")
  done
  local optimize_rate
  optimize_rate=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)
  REPORT+=("| PNG 1024 upload, concurrency 2 | $upload_rps images/s | p50 $upload_p50 ms, p99 $upload_p99 ms | $(ratio "$upload_rps" "$optimize_rate") optimize | ≥ 0.85x |")
  REPORT+=("| same files, noisett optimize --jobs 2 | $optimize_rate images/s | runs: ${rates[*]} | | |")
}

# history_at ROWS: the catalog grows to ROWS jobs; sets HISTORY to "p50 p99 req/s total_count".
# (Not called through $(...): a server started in a subshell would outlive a failure there.)
HISTORY=
history_at() {
  local rows=$1 data=$WORK/history made
  made=$(python3 bench/make_history_rows.py "$data/noisett.db" bench "$rows") || die "could not add rows"
  note "history: catalog at $rows jobs ($made)"
  start_server "$data"
  local token paths=$WORK/history-paths cursor="" page
  token=$("$NOISETT" token --user bench --data-dir "$data" --ttl 1h)
  : >"$paths"
  local total=
  for _ in $(seq 1 20); do
    local path="/api/history?limit=50"
    [[ -n $cursor ]] && path="$path&cursor=$(python3 -c 'import sys, urllib.parse as u; print(u.quote(sys.argv[1], safe=""))' "$cursor")"
    echo "$path" >>"$paths"
    page=$(curl -fs -H "Authorization: Bearer $token" "$BASE$path") || die "history.list failed"
    read -r total cursor < <(python3 -c 'import json, sys; p = json.load(sys.stdin)
print(p["total_count"], p.get("next_cursor") or "")' <<<"$page")
  done
  ((total == rows)) || die "history.list says total_count $total, the catalog holds $rows"
  local result
  result=$(run_wrk "$BASE" 1 1 "$SECONDS_PER_RUN" WRK_PATHS="$paths" WRK_TOKEN="$token")
  stop_server
  read -r rps p50 p99 <<<"$result"
  HISTORY="$p50 $p99 $rps $total"
}

section_history() {
  local data=$WORK/history
  start_server "$data"  # creates and migrates the catalog
  stop_server
  local small large
  history_at "${ROWS[0]}"
  small=$HISTORY
  history_at "${ROWS[1]}"
  large=$HISTORY
  read -r s50 s99 srps stotal <<<"$small"
  read -r l50 l99 lrps ltotal <<<"$large"
  REPORT+=("| history.list limit 50, $stotal jobs | $srps req/s | p50 $s50 ms, p99 $s99 ms | | |")
  REPORT+=("| history.list limit 50, $ltotal jobs | $lrps req/s | p50 $l50 ms, p99 $l99 ms | p99 $(ratio "$l99" "$s99") of ${ROWS[0]} | ≤ 2x |")
}

for s in "${SECTIONS[@]}"; do
  [[ $s == history ]] && continue
  "section_$s"
done
stop_server
[[ " ${SECTIONS[*]} " == *" history "* ]] && section_history

echo
echo "noisett serve benchmark: $(nproc) cores, $(uname -m), ${SECONDS_PER_RUN}s per measurement, $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "| measurement | rate | latency | ratio | target |"
echo "|---|---|---|---|---|"
printf '%s\n' "${REPORT[@]}"
