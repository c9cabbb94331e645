#!/usr/bin/env bash
# The scripted failover (docs/operations.md): watch the primary; after 3 failed probes 0.5 s
# apart, promote the standby cluster. In production the same steps run under a fencing
# manager (Patroni or pg_auto_failover) so that the old primary never comes back writable.
#   failover_watch.sh PRIMARY_PORT STANDBY_CLUSTER_NAME
set -u
port=$1; standby=$2; misses=0
while sleep 0.5; do
  if pg_isready -h 127.0.0.1 -p "$port" -t 1 >/dev/null 2>&1; then misses=0; continue; fi
  misses=$((misses + 1))
  if ((misses >= 3)); then
    echo "$(date -u +%H:%M:%S.%N) primary on $port failed 3 probes: promoting $standby"
    pg_ctlcluster 15 "$standby" promote
    echo "$(date -u +%H:%M:%S.%N) promoted"
    exit 0
  fi
done
