#!/usr/bin/env bash
# Fault drill (docs/operations.md): the database's disk fills up while the app writes files into
# the database store; then space comes back. Expected: a clear error, no file without its row
# and no row without its file (nothing half-written), and writes succeed again without
# restarting the app. The data directory is on a tmpfs of SIZE MB filled with a ballast file.
#
#   sudo scripts/drill_disk_full.sh            # SIZE=400, DURATION=60, space returns at FREE_AT=30
DRILL_HOME="${DRILL_HOME:-/var/lib/postgresql/egov-drill-disk}"
source "$(dirname "$0")/drill_lib.sh"

SIZE="${SIZE:-400}"; DURATION="${DURATION:-60}"; FREE_AT="${FREE_AT:-30}"
CLUSTER=opsdisk; PORT=5448
DISK="$DRILL_HOME/disk"; WORK="$DRILL_HOME/work"
cleanup() {
  if [[ "${KEEP:-0}" != 1 ]]; then
    cluster_drop "$CLUSTER"; umount "$DISK" 2>/dev/null || true; rm -rf "$DRILL_HOME"
  fi
}
trap cleanup EXIT
rm -rf "$DRILL_HOME"; install -d -o postgres -g postgres "$DRILL_HOME" "$DISK"; install -d "$WORK" "$DRILL_HOME/app-data"
mount -t tmpfs -o "size=${SIZE}m,mode=0700,uid=$(id -u postgres),gid=$(id -g postgres)" tmpfs "$DISK"

if pg_lsclusters -h | awk '{print $2}' | grep -qx "$CLUSTER"; then pg_dropcluster --stop "$PGVER" "$CLUSTER"; fi
pg_createcluster "$PGVER" "$CLUSTER" --port "$PORT" -d "$DISK/data" >/dev/null
printf 'local all all peer\nhost all all 127.0.0.1/32 trust\n' > "/etc/postgresql/$PGVER/$CLUSTER/pg_hba.conf"
cluster_conf "$CLUSTER" "min_wal_size = 32MB" "max_wal_size = 64MB" "shared_buffers = 32MB"
pg_ctlcluster "$PGVER" "$CLUSTER" start; wait_ready "$PORT"
sql "$PORT" postgres "create database egov"
egov_env "$PORT"
"$EGOV" migrate core --noinput -v 0
# Leave about 60 MB free: enough for the WAL the settings keep, not for much data.
FREE_KB=$(df --output=avail -k "$DISK" | tail -1)
runuser -u postgres -- fallocate -l "$(( (FREE_KB - 60 * 1024) * 1024 ))" "$DISK/ballast"
log "disk: $(df -h --output=size,avail "$DISK" | tail -1)"

"$PY" "$REPO_DIR/scripts/drill_disk_writer.py" "$WORK/writer.json" "$DURATION" &
WRITER=$!
sleep "$FREE_AT"
FREED_AT=$(date +%s.%N)
rm -f "$DISK/ballast"
log "ballast removed: $(df -h --output=avail "$DISK" | tail -1)"
wait "$WRITER"
wait_ready "$PORT" 120
sql "$PORT" egov "select f.name from core_storedfile f join core_auditevent a on a.object_id = split_part(f.name, '/', 2) and a.action = 'drill.file'" > "$WORK/paired.txt"
FILES=$(sql "$PORT" egov "select count(*) from core_storedfile")
EVENTS=$(sql "$PORT" egov "select count(*) from core_auditevent where action='drill.file'")
grep -h "No space left\|PANIC\|could not" "/var/log/postgresql/postgresql-$PGVER-$CLUSTER.log" | head -5 >&2 || true
"$PY" - "$WORK/writer.json" "$WORK/paired.txt" "$FILES" "$EVENTS" "$FREED_AT" <<'PY'
import json, sys
result = json.load(open(sys.argv[1])); paired = set(open(sys.argv[2]).read().split())
files, events, freed = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
acked = result["acknowledged"]
lost = [a for a in acked if f"drill/{a['name']}" not in paired]
half = files != events or files != len(paired)
errors = result["errors"]
after = [a for a in acked if a["at"] > freed]
back = (after[0]["at"] - freed) if after else None
ok = not lost and not half and errors and back is not None
print("drill_disk_full:", "PASS" if ok else "FAIL")
print(f"  writes attempted / acknowledged      {result['attempted']} / {len(acked)}")
print(f"  refused while the disk was full      {len(errors)}")
print(f"  first error                          {errors[0]['error'] if errors else '-'}")
print(f"  acknowledged but lost                {len(lost)}")
print(f"  files {files}, their audit events {events}, paired {len(paired)}: half-written {half}")
print(f"  space back -> first write acknowledged  {back if back is None else round(back, 1)} s")
sys.exit(0 if ok else 1)
PY
