"""One JSON object per log line. Callers put no personal data in messages or extras."""

import datetime as dt
import json
import logging

from django.http import HttpRequest

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line: ts (UTC), level, logger, msg, then the extras.

    Django's own loggers (django.request, django.security.*) attach the request and put
    its path in the message; a request's repr carries the query string, so the request is
    logged as its method and route pattern and the path in the message becomes the route.
    """

    def format(self, record: logging.LogRecord) -> str:
        request = getattr(record, "request", None)
        route = None
        if isinstance(request, HttpRequest):
            match = getattr(request, "resolver_match", None)
            route = match.route if match else "unmatched"
        entry = {
            "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": _message(record, request, route),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if isinstance(value, HttpRequest):
                entry.setdefault("method", value.method)
                entry.setdefault("route", route)
                continue
            entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        # default=str: an extra that JSON cannot hold is written as its str(), never dropped.
        return json.dumps(entry, ensure_ascii=False, default=str)


def _message(record: logging.LogRecord, request: object, route: str | None) -> str:
    if route is not None and isinstance(record.args, tuple) and record.args:
        path = request.path
        args = tuple(route if arg == path else arg for arg in record.args)
        return str(record.msg) % args
    return record.getMessage()
