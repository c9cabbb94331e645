"""Liveness and readiness for load balancers and orchestrators."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

from egov.core.db.core_store import database_ping


def healthz(request):
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


# Migrations change only with a release, which restarts the process: once this process has
# seen them all applied it stops rebuilding the migration graph on every probe.
_migrations_seen_applied = False


def readyz(request):
    """The database answers and every migration is applied."""
    global _migrations_seen_applied
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        database_ping(connection)
        pending = []
        if not _migrations_seen_applied:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001 (any database failure means not ready)
        return JsonResponse({"status": "unavailable", "database": type(exc).__name__}, status=503)
    if pending:
        return JsonResponse({"status": "unavailable", "migrations_pending": len(pending)}, status=503)
    _migrations_seen_applied = True
    return JsonResponse({"status": "ok"})
