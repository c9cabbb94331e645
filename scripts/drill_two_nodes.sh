#!/usr/bin/env bash
# Two app nodes behind HAProxy (docs/operations.md): gunicorn on 8811 and 8812 sharing only the
# database (files in the database store, EGOV_FILE_STORE=database; sessions, rate limits and
# tokens are rows), HAProxy on 8810 with health checks on /readyz and one retry on another node.
# Clients probe /readyz and request API tokens (each an acknowledged write) for DURATION s; node 1 is
# killed (SIGKILL to its gunicorn master and workers) at KILL_AT. Reports requests failing after
# one retry (target < 0.1 %) and acknowledged tokens missing from the database (target 0).
#
#   sudo scripts/drill_two_nodes.sh            # DURATION=60, KILL_AT=20, THREADS=4
DRILL_HOME="${DRILL_HOME:-/var/lib/postgresql/egov-drill-nodes}"
source "$(dirname "$0")/drill_lib.sh"

DURATION="${DURATION:-60}"; KILL_AT="${KILL_AT:-20}"; THREADS="${THREADS:-4}"
CLUSTER=opsnodes; PORT=5447
WORK="$DRILL_HOME/work"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  if [[ "${KEEP:-0}" != 1 ]]; then cluster_drop "$CLUSTER"; rm -rf "$DRILL_HOME"; fi
}
trap cleanup EXIT
rm -rf "$DRILL_HOME"; install -d -o postgres -g postgres "$DRILL_HOME"; install -d "$WORK" "$DRILL_HOME/app-data"

cluster_make "$CLUSTER" "$PORT"
pg_ctlcluster "$PGVER" "$CLUSTER" start; wait_ready "$PORT"
sql "$PORT" postgres "create database egov"
egov_env "$PORT"
"$EGOV" migrate --noinput -v 0
"$EGOV" keys init >/dev/null
AGENCY=1741000
"$EGOV" shell -c "
from egov.registry.models import Agency
Agency.objects.get_or_create(code='$AGENCY', defaults={'name_ko': '행정안전부', 'name_en': 'Ministry of the Interior and Safety', 'kind': 'ministry'})
" >/dev/null
CREDENTIALS=$("$EGOV" agency_system_create --agency "$AGENCY" --name drill)
CLIENT_ID=$(awk '/^client_id:/ {print $2}' <<<"$CREDENTIALS")
SECRET=$(awk '/^client_secret:/ {print $2}' <<<"$CREDENTIALS")

node() {  # port
  install -d "$WORK/metrics-$1"
  PROMETHEUS_MULTIPROC_DIR="$WORK/metrics-$1" setsid "$REPO_DIR/.venv/bin/gunicorn" egov.wsgi \
    --bind "127.0.0.1:$1" --workers 2 --threads 4 --log-level warning > "$WORK/node-$1.log" 2>&1 &
  PIDS+=($!)
}
node 8811; NODE1=${PIDS[-1]}
node 8812
cat > "$WORK/haproxy.cfg" <<CFG
global
    maxconn 2000
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    # A loaded node answers its checks late: late is not dead (see docs/operations.md).
    timeout check 5s
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 503
frontend egov
    bind 127.0.0.1:8810
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fall 3 rise 2
    server app1 127.0.0.1:8811 check
    server app2 127.0.0.1:8812 check
CFG
setsid haproxy -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 &
PIDS+=($!)
for port in 8811 8812 8810; do
  for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
done
log "two nodes and HAProxy up"

"$PY" "$REPO_DIR/scripts/drill_load_client.py" http://127.0.0.1:8810/api/v1/oauth/token "$CLIENT_ID" "$SECRET" \
  "$WORK/load.json" "$DURATION" "$THREADS" &
LOAD=$!
sleep "$KILL_AT"
kill -9 -- "-$NODE1"
log "node 1 (8811) killed"
wait "$LOAD"
sql "$PORT" egov "select token_checksum from oauth2_provider_accesstoken" > "$WORK/present.txt"
"$PY" - "$WORK/load.json" "$WORK/present.txt" <<'PY'
import hashlib, json, sys
result = json.load(open(sys.argv[1]))
present = set(open(sys.argv[2]).read().split())
lost = [t for t in result["tokens"] if hashlib.sha256(t.encode()).hexdigest() not in present]
requests = result["requests"]
failing = result["failed_after_retry"] / max(requests, 1) * 100
ok = not lost and failing < 0.1
print("drill_two_nodes:", "PASS" if ok else "FAIL")
print(f"  requests                      {requests}")
print(f"  tokens issued (acknowledged)  {len(result['tokens'])}")
print(f"  acknowledged but lost         {len(lost)}")
print(f"  failed on the first try       {result['first_try_failed']}")
print(f"  failed after one retry        {result['failed_after_retry']} ({failing:.3f} %)")
for line in result["errors"][:5]:
    print("   ", line)
sys.exit(0 if ok else 1)
PY
