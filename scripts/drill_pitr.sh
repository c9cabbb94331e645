#!/usr/bin/env bash
# Point-in-time recovery drill (docs/operations.md): a primary on its own port with WAL archived
# by pgBackRest into two repositories; a nation loaded; full backup into repo1 and repo2; more
# writes and an incremental backup; a moment T chosen; more writes after T; then a restore from
# repo2 (the "off-site" copy) to T into a fresh cluster, checked by row counts, `egov audit
# verify` and the verification of a document issued after the full backup.
#
#   sudo scripts/drill_pitr.sh                 # RESIDENTS=20000 by default
#   RESIDENTS=100000 sudo scripts/drill_pitr.sh
#
# Ports: primary 5441, restore target 5443. Everything is dropped at the end (KEEP=1 keeps it).
source "$(dirname "$0")/drill_lib.sh"

RESIDENTS="${RESIDENTS:-20000}"
PRIMARY=opspitr; PRIMARY_PORT=5441
RESTORE=opsrestore; RESTORE_PORT=5443

cleanup() {
  if [[ "${KEEP:-0}" != 1 ]]; then
    cluster_drop "$PRIMARY"; cluster_drop "$RESTORE"; rm -rf "$DRILL_HOME"
  fi
}
trap cleanup EXIT

rm -rf "$DRILL_HOME"
install -d -o postgres -g postgres "$DRILL_HOME" "$DRILL_HOME/repo1" "$DRILL_HOME/repo2" "$DRILL_HOME/log" "$DRILL_HOME/spool"
install -d "$DRILL_HOME/app-data"
cluster_make "$PRIMARY" "$PRIMARY_PORT"
PGDATA_PRIMARY="/var/lib/postgresql/$PGVER/$PRIMARY"
cat > "$DRILL_HOME/pgbackrest.conf" <<CONF
[global]
repo1-path=$DRILL_HOME/repo1
repo1-retention-full=2
repo2-path=$DRILL_HOME/repo2
repo2-retention-full=2
log-path=$DRILL_HOME/log
spool-path=$DRILL_HOME/spool
log-level-console=warn
compress-type=lz4
process-max=2
start-fast=y
archive-async=y

[egov]
pg1-path=$PGDATA_PRIMARY
pg1-port=$PRIMARY_PORT
pg1-socket-path=/var/run/postgresql
CONF
chown postgres:postgres "$DRILL_HOME/pgbackrest.conf"
cluster_conf "$PRIMARY" \
  "wal_level = replica" \
  "archive_mode = on" \
  "archive_command = 'pgbackrest --config=$DRILL_HOME/pgbackrest.conf --stanza=egov archive-push %p'" \
  "archive_timeout = 30" \
  "max_wal_senders = 4" \
  "shared_buffers = 256MB" \
  "checkpoint_timeout = 5min" \
  "max_wal_size = 2GB"
pg_ctlcluster "$PGVER" "$PRIMARY" start
wait_ready "$PRIMARY_PORT"
runuser -u postgres -- pgbackrest --config="$DRILL_HOME/pgbackrest.conf" --stanza=egov stanza-create
runuser -u postgres -- pgbackrest --config="$DRILL_HOME/pgbackrest.conf" --stanza=egov check

egov_env "$PRIMARY_PORT"
sql "$PRIMARY_PORT" postgres "create database egov"
t0=$(now)
"$EGOV" migrate --noinput -v 0
"$EGOV" keys init >/dev/null
"$EGOV" seed --residents "$RESIDENTS" >/dev/null
t1=$(now); log "nation of $RESIDENTS residents loaded in $(elapsed "$t0" "$t1") s"
DB_SIZE=$(sql "$PRIMARY_PORT" egov "select pg_size_pretty(pg_database_size('egov'))")

issue() {  # how many documents to issue now, through the documents service
  "$EGOV" shell -c "
from egov.documents.services import document_issue
from egov.registry.models import Agency, Resident
agency = Agency.objects.order_by('pk').first()
for resident in Resident.objects.order_by('-pk')[:$1]:
    document_issue(actor=None, doc_type='resident.abstract', subject=resident, agency=agency,
                   payload={'name': 'drill', 'rrn': '900101-1******', 'address': 'drill', 'address_history': []})
"
}
counts() {
  sql "$1" egov "select (select count(*) from registry_resident) || ' ' || (select count(*) from documents_document)
    || ' ' || (select count(*) from core_auditevent) || ' ' || (select count(*) from core_storedfile)"
}

t2=$(now)
"$EGOV" backup --pgbackrest full --repo 1
t3=$(now)
"$EGOV" backup --pgbackrest full --repo 2
t4=$(now); log "full backups: repo1 $(elapsed "$t2" "$t3") s, repo2 $(elapsed "$t3" "$t4") s"

issue 5                                     # written after the full backup: only WAL has them
"$EGOV" backup --pgbackrest incr --repo 2
issue 5
sleep 1
TARGET=$(sql "$PRIMARY_PORT" egov "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
AT_TARGET=$(counts "$PRIMARY_PORT")
LAST_NUMBER=$(sql "$PRIMARY_PORT" egov "select number from documents_document order by id desc limit 1")
sleep 1
issue 7                                     # after T: must not come back
sql "$PRIMARY_PORT" egov "select pg_switch_wal()" >/dev/null
runuser -u postgres -- pgbackrest --config="$DRILL_HOME/pgbackrest.conf" --stanza=egov check  # waits for the archive
AFTER=$(counts "$PRIMARY_PORT")
log "target $TARGET; counts (residents documents audit files) at T: $AT_TARGET; at the end: $AFTER"

# The restore: a fresh cluster's data directory, from repo2, to T.
cluster_make "$RESTORE" "$RESTORE_PORT"
PGDATA_RESTORE="/var/lib/postgresql/$PGVER/$RESTORE"
find "$PGDATA_RESTORE" -mindepth 1 -delete
t5=$(now)
"$EGOV" restore --pgbackrest --noinput --repo 2 --pg-data "$PGDATA_RESTORE" --target-time "$TARGET"
pg_ctlcluster "$PGVER" "$RESTORE" start
wait_ready "$RESTORE_PORT" 600
until [[ $(sql "$RESTORE_PORT" postgres "select pg_is_in_recovery()") == f ]]; do sleep 0.2; done
t6=$(now)
RESTORE_SECONDS=$(elapsed "$t5" "$t6")
RESTORED=$(counts "$RESTORE_PORT")
log "restored to T from repo2 in $RESTORE_SECONDS s; counts: $RESTORED"

egov_env "$RESTORE_PORT"
"$EGOV" audit verify >/dev/null && AUDIT=ok || AUDIT=FAILED
VERIFY=$("$EGOV" shell -c "
from egov.documents.models import Document
from egov.documents.services import document_pdf
from egov.documents.verification import verify_pdf
document = Document.objects.get(number='$LAST_NUMBER')
print('STATUS', verify_pdf(document_pdf(document)).status)
" | awk "/^STATUS/ {print \$2}")
result=PASS
[[ "$RESTORED" == "$AT_TARGET" ]] || result=FAIL
[[ "$AUDIT" == ok && "$VERIFY" == valid ]] || result=FAIL
cat <<REPORT
drill_pitr: $result
  residents seeded        $RESIDENTS (database $DB_SIZE), loaded in $(elapsed "$t0" "$t1") s
  full backup             repo1 $(elapsed "$t2" "$t3") s, repo2 $(elapsed "$t3" "$t4") s
  target time             $TARGET
  counts at T             $AT_TARGET   (residents documents audit_events stored_files)
  counts at the end       $AFTER
  counts restored         $RESTORED
  restore to T (repo2)    $RESTORE_SECONDS s, until the restored server accepted writes
  egov audit verify       $AUDIT
  document $LAST_NUMBER (issued after the full backup) verifies: $VERIFY
REPORT
[[ $result == PASS ]]
