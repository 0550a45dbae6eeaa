#!/usr/bin/env bash
# Starts a throwaway PostgreSQL in a temporary directory on a free loopback
# port, for tests. Source it: it sets PG_DIR and DATABANK_TEST_POSTGRES and
# defines pg_stop, which .ci/run calls on exit whatever happened.
set -euo pipefail

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

if [ -z "$(pg_bin)" ]; then
  echo "== installing PostgreSQL (Debian package postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN=$(pg_bin)
PG_DIR=$(mktemp -d /tmp/databank-pg.XXXXXX)
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
PG_USER=databank
# initdb refuses to run as root: run the server as the postgres user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "cd / && $*"; else bash -c "$*"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
as_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -U $PG_USER -A trust -E UTF8 --locale=C.UTF-8 >'$PG_DIR/initdb.log' 2>&1"
as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/server.log' -w -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k '$PG_DIR' -c fsync=off -c max_connections=200\" start >/dev/null"
export DATABANK_TEST_POSTGRES="postgres://$PG_USER@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
pg_stop() { as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m immediate stop >/dev/null 2>&1" || true; rm -rf "$PG_DIR"; }
echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
