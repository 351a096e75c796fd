# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # catalog_url and store_env are this file's outputs; work is the caller's
# Sourced by scripts/scaleout.sh and scripts/crash.sh: the PostgreSQL catalog and the Azurite
# store of one test run, and their clean-up. On the shared servers scripts/test.sh names
# (NOISETT_TEST_PG_URL, NOISETT_TEST_AZURITE_ENDPOINT + _CA) a run gets a database and a container
# of its own, dropped at the end; without them it starts servers of its own in its work folder.
# The caller sets ROOT, work (its scratch folder) and a die() that exits 2, and calls
# backends_cleanup from its EXIT trap.

AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
backends_rand=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
backends_pg_dir=""        # set when this run started PostgreSQL
backends_azurite_dir=""   # set when this run started Azurite
backends_pg_admin_url=""  # a shared server's URL, when this run made its own database on it
backends_db_name=""
backends_container=""     # this run's container on a shared Azurite, deleted at the end
child=""                  # the long step running now (run_child)

# Runs a long step in the background and waits for it: bash runs traps only between commands,
# and `wait` (unlike a foreground child) returns at once on SIGTERM or Ctrl-C.
run_child() {
  "$@" &
  child=$!
  local rc=0
  wait "$child" || rc=$?
  child=""
  return "$rc"
}

# Sets catalog_url: a fresh database PREFIX_<random> on the shared server, or a server of our own.
backends_postgres() {
  local prefix=$1
  if [[ -z "${NOISETT_TEST_PG_URL:-}" ]]; then
    backends_pg_dir=$(mktemp -d "/tmp/noisett-$prefix-pg.XXXXXX")
    local exports
    exports=$(bash "$ROOT/scripts/postgres.sh" start "$backends_pg_dir" $$) ||
      die "PostgreSQL did not start"
    eval "$exports"
    catalog_url=$NOISETT_TEST_PG_URL
    return
  fi
  command -v psql >/dev/null || die "psql is needed to make a database on NOISETT_TEST_PG_URL"
  backends_pg_admin_url=$NOISETT_TEST_PG_URL
  backends_db_name="${prefix}_$backends_rand"
  psql -q "$backends_pg_admin_url" -c "CREATE DATABASE $backends_db_name" >/dev/null ||
    die "cannot create database $backends_db_name on NOISETT_TEST_PG_URL"
  # postgresql://user:pw@host:port/db?params -> the same with our database.
  catalog_url=$(sed -E "s#^(postgres(ql)?://[^/]*)(/[^?]*)?#\1/$backends_db_name#" \
    <<<"$backends_pg_admin_url")
}

# Sets store_env (NAME=value words for env): the container PREFIX-<random> on the shared Azurite,
# or on an Azurite of our own; the Shared Key is Azurite's well-known one.
backends_azurite() {
  local prefix=$1
  if [[ -z "${NOISETT_TEST_AZURITE_ENDPOINT:-}" ]]; then
    backends_azurite_dir="$work/azurite"
    local exports
    exports=$(bash "$ROOT/scripts/azurite.sh" start "$backends_azurite_dir" $$) ||
      die "Azurite did not start"
    eval "$exports"
  else
    backends_container="$prefix-$backends_rand"
  fi
  [[ -n "${NOISETT_TEST_AZURITE_CA:-}" ]] || die "NOISETT_TEST_AZURITE_CA is not set"
  store_env=(NOISETT_STORE="azure://devstoreaccount1/$prefix-$backends_rand"
    AZURE_STORAGE_BLOB_ENDPOINT="$NOISETT_TEST_AZURITE_ENDPOINT"
    AZURE_STORAGE_KEY="$AZURITE_KEY"
    NOISETT_AZURE_CA_FILE="$NOISETT_TEST_AZURITE_CA")
}

# Drops this run's database and container, stops the servers it started. Never fails.
backends_cleanup() {
  if [[ -n "$backends_db_name" && -n "$backends_pg_admin_url" ]]; then
    psql -q "$backends_pg_admin_url" -c "DROP DATABASE IF EXISTS $backends_db_name WITH (FORCE)" \
      >/dev/null 2>&1 || true
  fi
  if [[ -n "$backends_container" ]]; then
    NODE_EXTRA_CA_CERTS="$NOISETT_TEST_AZURITE_CA" timeout 60 node \
      "$ROOT/tests/scaleout/drop_container.mjs" "$NOISETT_TEST_AZURITE_ENDPOINT" "$AZURITE_KEY" \
      "$backends_container" >/dev/null 2>&1 || echo "could not delete $backends_container" >&2
  fi
  if [[ -n "$backends_azurite_dir" ]]; then
    bash "$ROOT/scripts/azurite.sh" stop "$backends_azurite_dir" || true
  fi
  if [[ -n "$backends_pg_dir" ]]; then
    bash "$ROOT/scripts/postgres.sh" stop "$backends_pg_dir" || true
    rm -rf "$backends_pg_dir"
  fi
}
