"""gunicorn settings for an egov app node (docs/operations.md): `gunicorn -c deploy/gunicorn.conf.py
egov.wsgi`. Every value can be overridden on the command line or by GUNICORN_CMD_ARGS."""

import os

bind = os.environ.get("EGOV_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("EGOV_WORKERS", "4"))
threads = int(os.environ.get("EGOV_THREADS", "4"))
# A worker that stops answering (a hung database call past every timeout) is replaced.
timeout = 60
graceful_timeout = 30
# Restarted now and then so that no slow leak grows without bound; jitter keeps workers apart.
max_requests = 10000
max_requests_jitter = 1000
accesslog = None  # egov.core.middleware.RequestLogMiddleware writes one JSON line per request
loglevel = "warning"


def child_exit(server, worker):
    """prometheus-client's multiprocess mode: a worker that exits leaves its gauge files behind;
    mark them dead so `/metrics` stops adding up a process that is gone (counters are kept)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
