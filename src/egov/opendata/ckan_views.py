"""The CKAN Action API over HTTP (ckan/views/api.py): `/api/3/action/<name>` and
`/api/action/<name>`, GET with query parameters or POST with a JSON body or a form, answering in
CKAN's envelope `{"help", "success", "result"}` or `{"help", "success": false, "error":
{"__type", ...}}` with CKAN's statuses: 400 bad request or search query, 403 authorization, 404
not found, 409 validation; 429 past a quota. An API key (`Authorization` header, as CKAN clients
send it) raises the anonymous per-address limit to the key's daily quota."""

import hashlib
import json
import logging

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from egov.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from egov.core.ratelimit import Limit, RateLimited, client_key, hit
from egov.opendata.actions import ACTIONS, PARAMETERS, public_url
from egov.opendata.models import ApiKey
from egov.opendata.query import SearchQueryError

logger = logging.getLogger(__name__)
IGNORED = {"_", "callback"}  # a cache buster and JSONP's name, which CKAN's clients may send


def _respond(name: str, status: int, body: dict) -> JsonResponse:
    body = {"help": public_url(f"/api/3/action/help_show?name={name}"), **body}
    response = JsonResponse(
        body,
        status=status,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json;charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-cache"
    return response


def _error(name: str, status: int, kind: str, message: str, **extra) -> JsonResponse:
    return _respond(name, status, {"success": False, "error": {"__type": kind, "message": message, **extra}})


def _params(request) -> dict:
    if request.method == "GET":
        return {key: values[-1] for key, values in request.GET.lists()}
    if request.content_type == "application/json" or (request.body[:1] in (b"{", b"[")):
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise ValidationFailed(
                "Bad request - JSON Error: could not read the body", field="body"
            ) from None
        if not isinstance(data, dict):
            raise ValidationFailed("Bad request - JSON Error: the body must be an object", field="body")
        return data
    return {key: values[-1] for key, values in request.POST.lists()}


def _nul_field(value, name: str = "") -> str | None:
    """The name of the first parameter whose text (at any depth) holds a NUL character."""
    if isinstance(value, str):
        return name if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                return name or "body"
            found = _nul_field(item, name or str(key))
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = _nul_field(item, name)
            if found:
                return found
    return None


def _quota(request) -> None:
    """Count the call against the key's daily quota or the address's limit; raise RateLimited
    past it, PermissionDenied for a key we do not know."""
    token = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key") or ""
    token = token.removeprefix("Bearer ").strip()
    if token:
        key = ApiKey.objects.filter(key_hash=hashlib.sha256(token.encode()).hexdigest(), active=True).first()
        if key is None:
            raise PermissionDenied("unknown or revoked API key")
        hit(Limit("opendata-key", key.daily_quota, 86400), str(key.pk))
        return
    hit(
        Limit.parse("EGOV_OPENDATA_ANONYMOUS_RATE", settings.EGOV_OPENDATA_ANONYMOUS_RATE),
        client_key(request),
    )


@csrf_exempt
def action(request, name: str):
    """One call of the Action API."""
    if request.method not in ("GET", "POST"):
        return _error(name, 400, "Bad Request", "Bad request - use GET or POST")
    function = ACTIONS.get(name)
    if function is None:
        return _error(name, 400, "Bad Request", f"Bad request - Action name not known: {name}")
    try:
        _quota(request)
        params = _params(request)
        nul = _nul_field(params)
        if nul:
            raise ValidationFailed("A NUL character cannot be used", field=nul)
        unknown = sorted(set(params) - PARAMETERS[name] - IGNORED)
        if unknown:
            return _error(
                name,
                409,
                "Validation Error",
                f"Unknown parameter: {', '.join(unknown)}",
                **{key: ["The action does not take this parameter"] for key in unknown},
            )
        result = function(params)
    except RateLimited as exc:
        response = _error(name, 429, "Rate Limit Error", "Too many requests: the quota is used up")
        response["Retry-After"] = str(exc.retry_after)
        return response
    except PermissionDenied as exc:
        return _error(name, 403, "Authorization Error", f"Access denied: {exc.message}")
    except NotFound as exc:
        return _error(name, 404, "Not Found Error", f"Not found: {exc.message}")
    except SearchQueryError as exc:
        return _error(name, 400, "Search Query Error", f"Search Query is invalid: {exc.message}")
    except ServiceError as exc:
        if exc.field == "body":
            return _error(name, 400, "Bad Request", exc.message)
        return _error(
            name, 409, "Validation Error", exc.message, **({exc.field: [exc.message]} if exc.field else {})
        )
    return _respond(name, 200, {"success": True, "result": result})
