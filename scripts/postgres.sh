#!/usr/bin/env bash
# Starts, restarts or stops one throwaway PostgreSQL server for the tests, on loopback.
#
#   scripts/postgres.sh start DIR [WATCH_PID]   prints `export NOISETT_TEST_PG_...=...` lines
#   scripts/postgres.sh restart DIR             a real server restart (same port and password)
#   scripts/postgres.sh stop DIR
#
# start makes a fresh cluster in DIR/data with Debian's PostgreSQL binaries (initdb refuses to run
# as root, so when run as root every server command runs as the `postgres` OS user and DIR is
# chowned to it; DIR's parents must let that user through, e.g. DIR=$(mktemp -d) itself). The only
# role is the superuser `noisett` with a random password (scram-sha-256, over TCP and the socket).
# The server listens on 127.0.0.1 only, on a free port (retried if another process takes it
# first), with its Unix socket in DIR and its log in DIR/postgres.log. When it answers, start
# prints:
#   NOISETT_TEST_PG_URL=postgresql://noisett:PASSWORD@127.0.0.1:PORT/postgres
#   NOISETT_TEST_PG_DIR=DIR
#   NOISETT_TEST_PG_PID=PID   (the postmaster)
# Only those lines go to stdout (use with eval); the server never holds the caller's stdout. With
# WATCH_PID, a watchdog stops the server when that process ends, so a killed test run leaves
# nothing running. restart prints the same lines (the PID changes).
set -euo pipefail

PG_BIN="${NOISETT_PG_BIN:-/usr/lib/postgresql/15/bin}"

die() {
  echo "postgres.sh: $*" >&2
  exit 1
}

# Runs a command as the cluster's owner: the `postgres` OS user when we are root, else ourselves.
as_owner() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The postmaster's PID from DIR/data/postmaster.pid, if that process is alive and is a postgres.
server_pid() {
  local dir=$1 pid
  pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q postgres || return 1
  echo "$pid"
}

random_password() {
  # 32 characters from [A-Za-z0-9]: nothing that needs escaping in a URL or a conninfo string.
  local pw=""
  while ((${#pw} < 32)); do
    pw+=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  done
  echo "${pw:0:32}"
}

# A port below Linux's ephemeral range (32768+) so outgoing connections do not take it, that
# nothing answers on now. Another process may still bind it before the server does: start retries.
pick_port() {
  local port i
  for ((i = 0; i < 100; i++)); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found"
}

init_cluster() {
  local dir=$1
  local password
  password=$(random_password)
  (umask 077 && printf '%s\n' "$password" >"$dir/pwfile")
  if [[ $EUID -eq 0 ]]; then chown postgres: "$dir/pwfile"; fi
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U noisett --pwfile="$dir/pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync \
    >"$dir/initdb.log" 2>&1 || die "initdb failed: $(tail -5 "$dir/initdb.log")"
  # fsync, full_page_writes and synchronous_commit off: the cluster lives as long as one test run
  # and is deleted afterwards, so crash durability buys nothing and the disk flushes would
  # dominate the catalog tests' time. max_connections: the scale-out test runs 3 servers with
  # their pools plus the tests' own connections, and parallel ctest jobs each open pools.
  cat >>"$dir/data/postgresql.conf" <<EOF

# scripts/postgres.sh (test server)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 64MB
fsync = off
full_page_writes = off
synchronous_commit = off
logging_collector = off
log_line_prefix = '%m [%p] %q%a '
EOF
}

print_exports() {
  local dir=$1 pid=$2 port password
  port=$(grep -E '^port = ' "$dir/data/postgresql.conf" | tail -1 | grep -oE '[0-9]+')
  password=$(cat "$dir/pwfile")
  echo "export NOISETT_TEST_PG_URL=postgresql://noisett:$password@127.0.0.1:$port/postgres"
  echo "export NOISETT_TEST_PG_DIR=$dir"
  echo "export NOISETT_TEST_PG_PID=$pid"
}

# pg_ctl -w waits until the server accepts connections (or failed to start).
run_pg_ctl() {
  local dir=$1
  shift
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 "$@" \
    </dev/null >>"$dir/pg_ctl.log" 2>&1
}

wait_ready() {
  local dir=$1 port i
  port=$(grep -E '^port = ' "$dir/data/postgresql.conf" | tail -1 | grep -oE '[0-9]+')
  for ((i = 0; i < 100; i++)); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2 && return 0
    sleep 0.1
  done
  die "PostgreSQL does not answer on port $port: $(tail -5 "$dir/postgres.log")"
}

start() {
  local dir=$1 watch=${2:-}
  [[ -x "$PG_BIN/initdb" ]] || die "$PG_BIN/initdb missing (apt-get install postgresql)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if server_pid "$dir" >/dev/null; then die "a server already runs for $dir (stop it first)"; fi
  if [[ $EUID -eq 0 ]]; then
    chown postgres: "$dir"
    runuser -u postgres -- test -w "$dir" ||
      die "the postgres user cannot reach $dir (its parent folders must allow it)"
  fi
  [[ -e "$dir/data" ]] && die "$dir/data exists (use a fresh DIR)"
  init_cluster "$dir"
  : >"$dir/postgres.log"
  if [[ $EUID -eq 0 ]]; then chown postgres: "$dir/postgres.log"; fi

  local attempt port started=""
  for ((attempt = 0; attempt < 10; attempt++)); do
    port=$(pick_port)
    echo "port = $port" >>"$dir/data/postgresql.conf"
    if run_pg_ctl "$dir" start; then
      started=1
      break
    fi
    # Most likely the port was taken in between; anything else fails the same way every time.
    grep -q 'could not bind\|could not create any TCP/IP sockets' "$dir/postgres.log" ||
      die "PostgreSQL did not start: $(tail -5 "$dir/postgres.log")"
  done
  [[ -n "$started" ]] || die "PostgreSQL did not start after 10 ports: $(tail -5 "$dir/postgres.log")"
  wait_ready "$dir"
  local pid
  pid=$(server_pid "$dir") || die "no postmaster.pid after start"

  if [[ -n "$watch" ]]; then
    (
      while kill -0 "$watch" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
      if kill -0 "$pid" 2>/dev/null; then
        as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop || kill "$pid" 2>/dev/null || true
      fi
    ) </dev/null >/dev/null 2>&1 &
    disown
  fi
  print_exports "$dir" "$pid"
}

restart() {
  local dir=$1
  dir="$(cd "$dir" && pwd)"
  [[ -d "$dir/data" ]] || die "no cluster in $dir"
  run_pg_ctl "$dir" -m fast restart ||
    die "PostgreSQL did not restart: $(tail -5 "$dir/postgres.log")"
  wait_ready "$dir"
  local pid
  pid=$(server_pid "$dir") || die "no postmaster.pid after restart"
  print_exports "$dir" "$pid"
}

stop() {
  local dir=$1 pid i
  [[ -d "$dir/data" ]] || return 0
  pid=$(server_pid "$dir") || return 0
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop \
    </dev/null >>"$dir/pg_ctl.log" 2>&1 || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) [[ $# -ge 2 ]] || die "usage: $0 start DIR [WATCH_PID]"; start "$2" "${3:-}" ;;
  restart) [[ $# -eq 2 ]] || die "usage: $0 restart DIR"; restart "$2" ;;
  stop) [[ $# -eq 2 ]] || die "usage: $0 stop DIR"; stop "$2" ;;
  *) die "usage: $0 start DIR [WATCH_PID] | restart DIR | stop DIR" ;;
esac
