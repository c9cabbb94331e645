"""Request metrics for Prometheus: rate, latency and database time per route, and errors.

Counted in each process by `RequestMetricsMiddleware`. Under gunicorn with several workers set
`PROMETHEUS_MULTIPROC_DIR` to an empty directory the workers share (prometheus-client's
multiprocess mode: each worker writes its own memory-mapped file and the `/metrics` view adds
them up); `deploy/gunicorn.conf.py` clears the files of a worker that exits. Without it the
figures are those of the process that answers the scrape. What is computed from the database at
scrape time (queues, clocks, log lag, issuance) lives in `egov.ops.metrics`.

Labels are the URL pattern (never the concrete path, which may hold personal data), the method
and the status class, so the number of series stays bounded.
"""

import time

from django.db import connections
from prometheus_client import Counter, Histogram

# Seconds; the upper buckets catch what an operator must see (p95 target 0.5 s).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "egov_http_requests",
    "HTTP requests answered, by URL pattern, method and status class.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "egov_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by URL pattern.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
DB_TIME = Histogram(
    "egov_http_request_db_seconds",
    "Time a request spent waiting for the database (all its queries), by URL pattern.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
DB_QUERIES = Counter(
    "egov_db_queries",
    "Database queries run while answering requests, by URL pattern.",
    ["route"],
)
EXCEPTIONS = Counter(
    "egov_http_exceptions",
    "Requests that raised an unhandled exception (answered 500), by URL pattern and exception type.",
    ["route", "exception"],
)


class _QueryTimer:
    """A `connection.execute_wrapper` that adds up the time of every query of one request."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.route or match.view_name if match else "unmatched"


class RequestMetricsMiddleware:
    """Counts every request by route, method and status class, with its latency and database
    time. Goes first in MIDDLEWARE so its time includes the other middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timer = _QueryTimer()
        started = time.perf_counter()
        with connections["default"].execute_wrapper(timer):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = route_of(request)
        method = request.method if request.method in _METHODS else "other"
        REQUESTS.labels(route, method, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(route, method).observe(elapsed)
        DB_TIME.labels(route, method).observe(timer.seconds)
        if timer.count:
            DB_QUERIES.labels(route).inc(timer.count)
        return response

    def process_exception(self, request, exception):
        EXCEPTIONS.labels(route_of(request), type(exception).__name__).inc()


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
