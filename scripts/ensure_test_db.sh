#!/usr/bin/env bash
# With CI=true the suite must run on PostgreSQL: start the local cluster if it is down.
# Elsewhere this only reports what the suite will use.
set -u
if [ -n "${EGOV_TEST_DATABASE_URL:-}" ]; then
  exit 0
fi
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is down; starting the local cluster for CI"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 0.5; done
  fi
  echo "CI=true but no PostgreSQL answers at 127.0.0.1:5432; the suite refuses to run on SQLite in CI." >&2
  exit 1
fi
echo "No PostgreSQL at 127.0.0.1:5432: the suite runs on SQLite (PostgreSQL-only tests skip)."
