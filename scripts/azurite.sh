#!/usr/bin/env bash
# Starts or stops one Azurite blob service for the tests, on loopback, over HTTPS.
#
#   scripts/azurite.sh start DIR [WATCH_PID]   prints `export NOISETT_TEST_AZURITE_...=...` lines
#   scripts/azurite.sh stop DIR
#   scripts/azurite.sh restart DIR [WATCH_PID]  the same account again, on its old port, over the
#                                               same data (a fault test stops and brings it back)
#
# start makes DIR (Azurite's data folder, its log and a self-signed certificate for 127.0.0.1 and
# localhost made with openssl), starts the npm package's azurite-blob on a free port chosen by the
# kernel (--blobPort 0; the port is read back from Azurite's start-up line), with `--oauth basic`
# so the bearer-token path and Get User Delegation Key work (Azurite wants HTTPS for that), waits
# until it answers, then prints:
#   NOISETT_TEST_AZURITE_ENDPOINT=https://127.0.0.1:PORT/devstoreaccount1
#   NOISETT_TEST_AZURITE_CA=DIR/cert.pem
#   NOISETT_TEST_AZURITE_PID=PID
# Only those lines go to stdout (use with eval); Azurite's own output goes to DIR/azurite.log, so a
# caller capturing stdout never waits on the background process. With WATCH_PID, a watchdog stops
# Azurite when that process ends, so a test binary killed midway leaves nothing running.
# The account is Azurite's well-known devstoreaccount1 and its published development key.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
AZURITE_BIN="$ROOT/node_modules/.bin/azurite-blob"

die() {
  echo "azurite.sh: $*" >&2
  exit 1
}

# True when PID is alive and is an Azurite process (a recycled PID must never be killed).
is_azurite() {
  local pid=$1
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q azurite
}

make_cert() {
  local dir=$1
  [[ -s "$dir/cert.pem" && -s "$dir/key.pem" ]] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" >"$dir/openssl.log" 2>&1 ||
    die "openssl could not make a certificate (see $dir/openssl.log)"
}

# PORT 0 (the default) lets the kernel choose.
start() {
  local dir=$1 watch=${2:-} want_port=${3:-0}
  [[ -x "$AZURITE_BIN" ]] || die "$AZURITE_BIN missing (npm install azurite in $ROOT)"
  command -v curl >/dev/null || die "curl is needed"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if is_azurite "$(cat "$dir/azurite.pid" 2>/dev/null || true)"; then
    die "an Azurite already runs for $dir (stop it first)"
  fi
  make_cert "$dir"
  : >"$dir/azurite.log"
  # NOISETT_AZURITE_DEBUG=1 adds Azurite's per-request debug log (why it refused a signature).
  local debug=()
  [[ "${NOISETT_AZURITE_DEBUG:-}" == 1 ]] && debug=(--debug "$dir/debug.log")
  "$AZURITE_BIN" --blobHost 127.0.0.1 --blobPort "$want_port" --oauth basic \
    --cert "$dir/cert.pem" --key "$dir/key.pem" --location "$dir" \
    --silent --disableTelemetry "${debug[@]}" \
    </dev/null >>"$dir/azurite.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/azurite.pid"

  # The start-up line names the port the kernel gave; then wait for an HTTP answer (any status).
  local port="" i
  ((want_port == 0)) || port=$want_port
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || die "Azurite exited: $(tail -5 "$dir/azurite.log")"
    if [[ -z "$port" ]]; then
      port=$(grep -oE 'listens on https://127\.0\.0\.1:[0-9]+' "$dir/azurite.log" |
        grep -oE '[0-9]+$' | head -1 || true)
    fi
    if [[ -n "$port" ]] &&
      curl -s -o /dev/null --max-time 2 --cacert "$dir/cert.pem" \
        "https://127.0.0.1:$port/devstoreaccount1?comp=list"; then
      break
    fi
    sleep 0.1
  done
  if [[ -z "$port" ]] || ((i == 300)); then
    kill "$pid" 2>/dev/null || true
    die "Azurite did not answer within 30 s: $(tail -5 "$dir/azurite.log")"
  fi

  if [[ -n "$watch" ]]; then
    (
      while kill -0 "$watch" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
      kill "$pid" 2>/dev/null || true
    ) </dev/null >/dev/null 2>&1 &
    disown
  fi

  echo "$port" >"$dir/azurite.port"
  echo "export NOISETT_TEST_AZURITE_ENDPOINT=https://127.0.0.1:$port/devstoreaccount1"
  echo "export NOISETT_TEST_AZURITE_CA=$dir/cert.pem"
  echo "export NOISETT_TEST_AZURITE_PID=$pid"
}

stop() {
  local dir=$1 pid i
  pid=$(cat "$dir/azurite.pid" 2>/dev/null || true)
  if is_azurite "$pid"; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      is_azurite "$pid" || break
      sleep 0.1
    done
    if is_azurite "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$dir/azurite.pid"
}

restart() {
  local dir=$1 watch=${2:-} port
  port=$(cat "$dir/azurite.port" 2>/dev/null) || die "no Azurite was started for $dir"
  stop "$dir"
  start "$dir" "$watch" "$port"
}

case "${1:-}" in
  start) [[ $# -ge 2 ]] || die "usage: $0 start DIR [WATCH_PID]"; start "$2" "${3:-}" ;;
  stop) [[ $# -eq 2 ]] || die "usage: $0 stop DIR"; stop "$2" ;;
  restart) [[ $# -ge 2 ]] || die "usage: $0 restart DIR [WATCH_PID]"; restart "$2" "${3:-}" ;;
  *) die "usage: $0 start DIR [WATCH_PID] | stop DIR | restart DIR [WATCH_PID]" ;;
esac
