#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the tests: installs PostgreSQL from
# Debian's packages when it is missing, initializes a cluster in a temporary directory on a free
# port, and prints the JDBC URL to use. "stop <dir>" stops it and removes the directory.
# autovacuum visits each database every second (autovacuum_naptime=1s), as the README advises for
# high change rates: the queues' and leases' inserts and deletes otherwise bloat their tables
# between the default one-minute visits.
set -euo pipefail

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ "${1:-}" = stop ]; then
  dir=$2
  as_postgres "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

if [ -z "$(pg_bin)" ]; then
  echo "installing PostgreSQL from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi
bin=$(pg_bin)
dir=$(mktemp -d /tmp/backbone-pg.XXXXXX)
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
as_postgres "$bin/initdb" -D "$dir/data" -U backbone --auth=trust -E UTF8 >/dev/null
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  port=$(( 20000 + RANDOM % 40000 ))
  if as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c autovacuum_naptime=1s" start >/dev/null; then
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U backbone backbone_test
    echo "$dir jdbc:postgresql://127.0.0.1:$port/backbone_test?user=backbone"
    exit 0
  fi
done
echo "PostgreSQL did not start; see $dir/log" >&2
exit 1
