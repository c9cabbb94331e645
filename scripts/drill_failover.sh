#!/usr/bin/env bash
# Failover drill (docs/operations.md): a primary (5444) with a synchronous streaming standby
# (5445); an app process writes one transaction after another through a libpq multi-host URL
# (both servers, target_session_attrs=read-write); the primary's postmaster is killed (SIGKILL);
# the watcher (scripts/failover_watch.sh) promotes the standby; the writer reconnects by itself.
# Counts acknowledged writes missing on the new primary (must be 0) and the time from the kill
# until writes succeed again (target < 30 s).
#
#   sudo scripts/drill_failover.sh            # DURATION=40 s of writes, the kill at 12 s
DRILL_HOME="${DRILL_HOME:-/var/lib/postgresql/egov-drill-failover}"
source "$(dirname "$0")/drill_lib.sh"

DURATION="${DURATION:-40}"; KILL_AT="${KILL_AT:-12}"
PRIMARY=opsfo1; PRIMARY_PORT=5444
STANDBY=opsfo2; STANDBY_PORT=5445
WORK="$DRILL_HOME/failover"

cleanup() {
  [[ -n "${WATCH_PID:-}" ]] && kill "$WATCH_PID" 2>/dev/null || true
  if [[ "${KEEP:-0}" != 1 ]]; then cluster_drop "$PRIMARY"; cluster_drop "$STANDBY"; rm -rf "$DRILL_HOME"; fi
}
trap cleanup EXIT
rm -rf "$DRILL_HOME"; install -d -o postgres -g postgres "$DRILL_HOME"; install -d "$WORK" "$DRILL_HOME/app-data"

cluster_make "$PRIMARY" "$PRIMARY_PORT"
PRIMARY_CONF=("wal_level = replica" "max_wal_senders = 4" "hot_standby = on" "wal_keep_size = 256MB")
cluster_conf "$PRIMARY" "${PRIMARY_CONF[@]}"
pg_ctlcluster "$PGVER" "$PRIMARY" start; wait_ready "$PRIMARY_PORT"
sql "$PRIMARY_PORT" postgres "create database egov"
egov_env "$PRIMARY_PORT"
"$EGOV" migrate core --noinput -v 0   # the writer needs core_auditevent (and what it depends on)

cluster_make "$STANDBY" "$STANDBY_PORT"
STANDBY_DATA="/var/lib/postgresql/$PGVER/$STANDBY"
find "$STANDBY_DATA" -mindepth 1 -delete
runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$STANDBY_DATA" -X stream -R
sed -i "/primary_conninfo/d" "$STANDBY_DATA/postgresql.auto.conf"  # ours (conf.d) names the standby
cluster_conf "$STANDBY" "hot_standby = on" \
  "primary_conninfo = 'host=127.0.0.1 port=$PRIMARY_PORT user=postgres application_name=opsstandby'"
pg_ctlcluster "$PGVER" "$STANDBY" start; wait_ready "$STANDBY_PORT"
# Synchronous only once the standby streams (before, every COMMIT would wait for it).
cluster_conf "$PRIMARY" "${PRIMARY_CONF[@]}" "synchronous_standby_names = 'FIRST 1 (opsstandby)'" "synchronous_commit = on"
pg_ctlcluster "$PGVER" "$PRIMARY" reload
for _ in $(seq 1 300); do [[ $(sql "$PRIMARY_PORT" postgres "select sync_state from pg_stat_replication where application_name='opsstandby'") == sync ]] && break; sleep 0.2; done
log "standby streaming, synchronous"

# The app sees both servers; libpq keeps the one that accepts writes.
export EGOV_DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT,127.0.0.1:$STANDBY_PORT/egov?target_session_attrs=read-write&connect_timeout=2"
"$(dirname "$0")/failover_watch.sh" "$PRIMARY_PORT" "$STANDBY" > "$WORK/watch.log" 2>&1 &
WATCH_PID=$!
"$PY" "$REPO_DIR/scripts/drill_writer.py" "$WORK/writer.json" "$DURATION" &
WRITER=$!
sleep "$KILL_AT"
POSTMASTER=$(head -1 "/var/lib/postgresql/$PGVER/$PRIMARY/postmaster.pid")
KILLED_AT=$(date +%s.%N)
kill -9 "$POSTMASTER"
log "primary postmaster $POSTMASTER killed"
wait "$WRITER"
PRESENT=$(sql "$STANDBY_PORT" egov "select string_agg(object_id, ',') from core_auditevent where action='drill.write'")
cat "$WORK/watch.log" >&2
"$PY" - "$WORK/writer.json" "$KILLED_AT" "$PRESENT" <<'PY'
import json, sys
result = json.load(open(sys.argv[1])); killed = float(sys.argv[2])
present = {int(x) for x in sys.argv[3].split(",") if x}
acked = result["acknowledged"]
lost = sorted(set(acked) - present)
gap = (result["recovered"] - killed) if result["recovered"] else 0.0
print("drill_failover:", "PASS" if not lost and gap < 30 else "FAIL")
print(f"  writes attempted            {result['attempted']}")
print(f"  acknowledged before the fault {sum(1 for at in result['acknowledged_at'] if at < killed)}")
print(f"  acknowledged                {len(acked)}")
print(f"  acknowledged but lost       {len(lost)} {lost[:10]}")
print(f"  failed after one retry      {len(result['failed'])}")
print(f"  succeeded on the retry      {result['succeeded_on_retry']}")
print(f"  rows on the new primary     {len(present)}")
print(f"  kill -> first write acknowledged again  {gap:.1f} s")
sys.exit(0 if not lost and gap < 30 else 1)
PY
