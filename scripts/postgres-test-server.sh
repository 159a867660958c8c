#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: its own data directory, loopback only, a free port, a
# password made up at start. No container engine is needed, only the distribution's packages
# (installed here when missing and when running as root).
#
#   scripts/postgres-test-server.sh start DIR   creates and starts a server in DIR (which must not
#                                               exist or be empty) and prints its URL, the form
#                                               cairn.store takes: postgresql://USER:PASSWORD@HOST:PORT/DB
#   scripts/postgres-test-server.sh stop DIR    stops that server and removes DIR
#   scripts/postgres-test-server.sh restart DIR [PAUSE]
#                                               restarts that server on the same port, down for
#                                               PAUSE seconds (default 0)
#
# PostgreSQL refuses to run as root, so as root the server runs as the postgres user (created by
# the package), which then owns DIR. fsync is off: the data is thrown away at the end, and the
# tests check what the store does, not what the disk keeps after a power cut.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR, or $0 restart DIR [PAUSE_SECONDS]" >&2
  exit 2
}

[ $# -eq 2 ] || { [ $# -eq 3 ] && [ "$1" = restart ]; } || usage
command="$1"
dir="$2"
pause="${3:-0}"
# Fast to start and to throw away; the same at every (re)start.
settings="-c fsync=off -c full_page_writes=off -c max_connections=200"

bindir() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then
    found="$(dirname "$(command -v pg_ctl)")"
  fi
  echo "$found"
}

install_when_missing() {
  if [ -n "$(bindir)" ] && [ -x "$(bindir)/initdb" ]; then
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing PostgreSQL from the distribution's packages" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "$0: PostgreSQL is not installed (initdb not found); install the postgresql package" >&2
    exit 2
  fi
}

# Runs a PostgreSQL program as the user that owns the data directory.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "$0: found no free port" >&2
  exit 1
}

start() {
  install_when_missing
  local bin user password port
  bin="$(bindir)"
  mkdir -p "$dir"
  if [ -n "$(ls -A "$dir")" ]; then
    echo "$0: $dir is not empty" >&2
    exit 2
  fi
  chmod 700 "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
  fi
  user=cairn
  password="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  as_owner sh -c "umask 077; printf '%s\n' '$password' > '$dir/pwfile'"
  as_owner "$bin/initdb" -D "$dir/data" -U "$user" --pwfile="$dir/pwfile" -A scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  rm -f "$dir/pwfile"
  # A port taken between the probe and the start makes pg_ctl fail; another port is tried.
  for _ in 1 2 3 4 5; do
    port="$(free_port)"
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' $settings" \
      >/dev/null; then
      echo "$port" >"$dir/port"
      echo "postgresql://$user:$password@127.0.0.1:$port/postgres"
      return
    fi
  done
  cat "$dir/server.log" >&2
  exit 1
}

stop() {
  local bin
  bin="$(bindir)"
  if [ -f "$dir/data/postmaster.pid" ] && [ -n "$bin" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
}

# Restarts the server in place on the same port, down for PAUSE seconds between the stop (fast:
# sessions end at once) and the start: what the cluster tests do to show that nodes connect again.
restart() {
  local bin port
  bin="$(bindir)"
  port="$(cat "$dir/port")"
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
  sleep "$pause"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' $settings" \
    >/dev/null
}

case "$command" in
  start) start ;;
  stop) stop ;;
  restart) restart ;;
  *) usage ;;
esac
