#!/usr/bin/env bash
# Starts a local PostgreSQL (Debian's package) for the test suite and prints the URL to use:
#   export AVE_TEST_POSTGRES=$(bash scripts/dev-postgres.sh)
# Installs the package when it is missing (needs root and Debian's package registry).
# Idempotent: a running server is reused. The role `ave` (password `ave`) may create databases;
# each test creates and drops its own.
set -euo pipefail

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "PostgreSQL installeren…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

cluster=$(pg_lsclusters --no-header | head -n1)
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  pg_createcluster "$version" main >&2
  cluster=$(pg_lsclusters --no-header | head -n1)
fi
read -r version name port status _ <<<"$cluster"
if [ "$status" != "online" ]; then
  pg_ctlcluster "$version" "$name" start >&2
fi

# Wait until the server accepts connections.
for _ in $(seq 1 50); do
  if su postgres -c "psql -p $port -qtAc 'SELECT 1'" >/dev/null 2>&1; then break; fi
  sleep 0.2
done

su postgres -c "psql -p $port -qtAc \"DO \\\$\\\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ave') THEN
    CREATE ROLE ave LOGIN CREATEDB PASSWORD 'ave';
  END IF;
END \\\$\\\$;\"" >&2

echo "postgres://ave:ave@127.0.0.1:$port/postgres"
