#!/usr/bin/env bash
# Fault drill (docs/operations.md): PostgreSQL restarted (`pg_ctlcluster restart -m fast`, which
# ends every session) while an app process writes; the app is not restarted. Reports
# acknowledged writes lost (must be 0) and how long writes failed.
#
#   sudo scripts/drill_pg_restart.sh          # DURATION=30 s of writes, the restart at 10 s
DRILL_HOME="${DRILL_HOME:-/var/lib/postgresql/egov-drill-restart}"
source "$(dirname "$0")/drill_lib.sh"

DURATION="${DURATION:-30}"; RESTART_AT="${RESTART_AT:-10}"
CLUSTER=opsrestart; PORT=5446
WORK="$DRILL_HOME/work"
cleanup() { if [[ "${KEEP:-0}" != 1 ]]; then cluster_drop "$CLUSTER"; rm -rf "$DRILL_HOME"; fi; }
trap cleanup EXIT
rm -rf "$DRILL_HOME"; install -d -o postgres -g postgres "$DRILL_HOME"; install -d "$WORK" "$DRILL_HOME/app-data"

cluster_make "$CLUSTER" "$PORT"
pg_ctlcluster "$PGVER" "$CLUSTER" start; wait_ready "$PORT"
sql "$PORT" postgres "create database egov"
egov_env "$PORT"
"$EGOV" migrate core --noinput -v 0
"$PY" "$REPO_DIR/scripts/drill_writer.py" "$WORK/writer.json" "$DURATION" &
WRITER=$!
sleep "$RESTART_AT"
RESTARTED_AT=$(date +%s.%N)
pg_ctlcluster "$PGVER" "$CLUSTER" restart -m fast
log "restarted in $(elapsed "$RESTARTED_AT" "$(date +%s.%N)") s"
wait "$WRITER"
PRESENT=$(sql "$PORT" egov "select string_agg(object_id, ',') from core_auditevent where action='drill.write'")
"$PY" - "$WORK/writer.json" "$RESTARTED_AT" "$PRESENT" <<'PY'
import json, sys
result = json.load(open(sys.argv[1])); restarted = float(sys.argv[2])
present = {int(x) for x in sys.argv[3].split(",") if x}
lost = sorted(set(result["acknowledged"]) - present)
gap = (result["recovered"] - restarted) if result["recovered"] else 0.0
print("drill_pg_restart:", "PASS" if not lost else "FAIL")
print(f"  writes attempted          {result['attempted']}")
print(f"  acknowledged before the fault {sum(1 for at in result['acknowledged_at'] if at < restarted)}")
print(f"  acknowledged              {len(result['acknowledged'])}")
print(f"  acknowledged but lost     {len(lost)}")
print(f"  failed after one retry    {len(result['failed'])}")
print(f"  succeeded on the retry    {result['succeeded_on_retry']}")
print(f"  restart -> first write acknowledged again  {max(gap, 0):.1f} s")
sys.exit(0 if not lost else 1)
PY
