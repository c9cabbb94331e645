# Shared helpers of the operations drills (scripts/drill_*.sh). Sourced, not run.
# Every drill makes its own PostgreSQL 15 clusters on ports 5441+ and drops them at the end;
# it never touches the cluster "main" on 5432.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EGOV="$REPO_DIR/.venv/bin/egov"
PY="$REPO_DIR/.venv/bin/python"
PGVER=15
DRILL_HOME="${DRILL_HOME:-/var/lib/postgresql/egov-drill}"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
elapsed() { "$PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

cluster_make() {  # name port [start]
  local name=$1 port=$2
  if pg_lsclusters -h | awk '{print $2}' | grep -qx "$name"; then
    pg_dropcluster --stop "$PGVER" "$name"
  fi
  pg_createcluster "$PGVER" "$name" --port "$port" >/dev/null
  # Drill clusters take the drill's own clients from loopback without a password.
  cat > "/etc/postgresql/$PGVER/$name/pg_hba.conf" <<HBA
local all all peer
local replication all peer
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
HBA
}

cluster_conf() {  # name, then lines for conf.d/egov-drill.conf
  local name=$1; shift
  printf '%s\n' "$@" > "/etc/postgresql/$PGVER/$name/conf.d/egov-drill.conf"
}

cluster_drop() {
  local name=$1
  if pg_lsclusters -h | awk '{print $2}' | grep -qx "$name"; then
    pg_dropcluster --stop "$PGVER" "$name" || true
  fi
}

wait_ready() {  # port [seconds]
  local port=$1 limit=${2:-120} i
  for ((i = 0; i < limit * 10; i++)); do
    if psql -h 127.0.0.1 -p "$port" -U postgres -Atqc "select 1" postgres >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  log "port $port never answered"; return 1
}

sql() {  # port db statement
  psql -h 127.0.0.1 -p "$1" -U postgres -Atqc "$3" "$2"
}

egov_env() {  # port: the app's environment against a drill database
  export EGOV_DATABASE_URL="postgres://postgres@127.0.0.1:$1/egov"
  export EGOV_SECRET_KEY="drill-only-secret-key-0123456789-abcdefghijklmnop"
  export EGOV_DATA_DIR="$DRILL_HOME/app-data"
  export EGOV_FILE_STORE=database
  export EGOV_LOG_LEVEL=WARNING PYTHONWARNINGS=ignore
  export EGOV_PUBLIC_URL="http://127.0.0.1:8810"
  export EGOV_PGBACKREST="runuser -u postgres -- pgbackrest"
  export EGOV_PGBACKREST_CONFIG="$DRILL_HOME/pgbackrest.conf"
  export EGOV_PGBACKREST_STANZA=egov
}
