import logging
import time

import django.middleware.common

log = logging.getLogger("egov.request")

# KRDS needs inline styles in a few components; scripts only from our own origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.setdefault("Cache-Control", "no-store")
        return response


class SessionRefreshMiddleware:
    """Keep a signed-in session alive while it is used, writing it at most once a minute.

    Sessions expire `EGOV_SESSION_SECONDS` after they were last written. Writing the session
    on every request (Django's SESSION_SAVE_EVERY_REQUEST) costs each request of a signed-in
    user a write and a COMMIT; here a session nobody changed is written again only when its
    last refresh is EGOV_SESSION_REFRESH_SECONDS old, so it expires between that long and
    EGOV_SESSION_SECONDS after its last use. Goes right after SessionMiddleware, which saves
    the session this marks as modified."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.interval = settings.EGOV_SESSION_REFRESH_SECONDS

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or response.status_code >= 500 or session.is_empty():
            return response
        now = int(time.time())
        refreshed = session.get(self.KEY)
        # abs(): after the host's clock jumped back, a refresh "in the future" is renewed at once
        # rather than left until the clock catches up (tests/ops/test_clock_jump.py)
        if session.modified or not isinstance(refreshed, int) or abs(now - refreshed) >= self.interval:
            session[self.KEY] = now
        return response


class RequestLogMiddleware:
    """One structured line per request: route pattern, status, time, pseudonymous user id.

    The path is logged as the URL pattern (not the concrete path) and the query string is
    never logged, so no personal data reaches the logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        log.info(
            "request",
            extra={
                "method": request.method,
                "route": match.route if match else "unmatched",
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


class CommonMiddleware(django.middleware.common.CommonMiddleware):
    """Django's, except that only a GET or HEAD is redirected to the path with its trailing
    slash. A redirect would turn a POST into a GET and lose its body (and with DEBUG on,
    Django raises a RuntimeError for it: a 500); such a request gets the 404 it found."""

    def should_redirect_with_slash(self, request):
        if request.method not in ("GET", "HEAD"):
            return False
        return super().should_redirect_with_slash(request)


def _has_nul(request) -> str | None:
    """The name of the first part of the request holding a NUL character, or None."""
    if "\x00" in request.path:
        return "path"
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key.replace("\x00", "")
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "")
    return None


class RejectNulMiddleware:
    """A NUL character can never be stored in PostgreSQL text, nor is it ever meaningful in an
    address, a query parameter or a form field: answer 400 before any view runs, in the shape
    of the surface asked (CKAN's envelope, the API's `Error`, or a plain page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The JSON API (`/api/v1/`) validates what it declares against its published schema and
        # answers only the statuses that schema documents; a NUL in a parameter it does not
        # declare is ignored there, as any unknown parameter is (schemathesis checks this).
        if request.path.startswith("/api/v1/"):
            return self.get_response(request)
        field = _has_nul(request)
        if field is None:
            return self.get_response(request)
        return _nul_response(request, field)


def _nul_response(request, field: str):
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    path = request.path.replace("\x00", "")
    message = "Bad request - a NUL character cannot be used"
    if path.startswith(("/api/3/action/", "/api/action/")):
        response = JsonResponse(
            {
                "success": False,
                "error": {"__type": "Validation Error", "message": message, field: [message]},
            },
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response
    if path.startswith("/api/"):
        return JsonResponse(
            {"code": "invalid", "message": "A NUL character cannot be used.", "field": field}, status=400
        )
    return render(
        request,
        "400.html",
        {"message": _("The address or the form contains a character that cannot be used.")},
        status=400,
    )
