"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json).

Every answer that is not a success is `Error` {"code", "message", "field"} (422 adds
"errors"): a ServiceError raised anywhere in a handler, a request that breaks the schema, a
failed login or CSRF check, an unreadable body. The OpenAPI document declares, on every
operation, the errors the framework itself can answer (422 where there is input, 401 where
there is authentication, 403 where a session needs its CSRF token), beside the ones each
endpoint declares for itself; tests/api/test_contract.py runs schemathesis over all of it.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from egov.core.api_docs import LocalSwagger
from egov.core.api_schemas import Error, InvalidInput
from egov.core.errors import NotFound, PermissionDenied, ServiceError

_STATUS = {NotFound: 404, PermissionDenied: 403}
_HTTP_CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    429: "rate_limited",
}
_METHODS = ("get", "put", "post", "delete", "patch")


def _ref(schema) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema.__name__}"}}}}


class EgovAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Ninja's document, with the errors the framework answers declared on each operation."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Error, InvalidInput):
            components[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
        session_schemes = {
            name
            for name, scheme in components_security(schema).items()
            if scheme.get("type") == "apiKey" and scheme.get("in") == "cookie"
        }
        for path_item in schema["paths"].values():
            for method in _METHODS:
                operation = path_item.get(method)
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault("422", {"description": "Invalid input", **_ref(InvalidInput)})
                if operation.get("requestBody"):
                    responses.setdefault("400", {"description": "Unreadable body", **_ref(Error)})
                security = operation.get("security") or []
                if security:
                    responses.setdefault("401", {"description": "Not authenticated", **_ref(Error)})
                if any(session_schemes & set(requirement) for requirement in security):
                    responses.setdefault("403", {"description": "CSRF check failed", **_ref(Error)})
        return schema


def components_security(schema) -> dict:
    return schema.get("components", {}).get("securitySchemes", {})


api = EgovAPI(
    title="egov API",
    version="1",
    description="APIs of the egov digital-government platform.",
    urls_namespace="api",
    docs=LocalSwagger(),
)


def _error(request, status: int, code: str, message: str, field: str | None = None, **extra):
    return api.create_response(
        request, {"code": code, "message": message, "field": field, **extra}, status=status
    )


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
    if exc.code == "conflict":
        status = 409
    return _error(request, status, exc.code, exc.message, exc.field)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    location = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
    # Without `ctx` (it may hold the exception itself) and `input` (what was sent, maybe an ID number).
    errors = [{k: v for k, v in error.items() if k not in ("ctx", "input", "url")} for error in exc.errors]
    return _error(
        request, 422, "invalid", first.get("msg", "Invalid input."), ".".join(location) or None, errors=errors
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(request, 401, "unauthenticated", "Log in first.")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Ninja's own refusals (a failed CSRF check is a 403) in our shape."""
    return _error(request, exc.status_code, _HTTP_CODES.get(exc.status_code, "invalid"), str(exc.message))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(MultiPartParserError)
def unreadable_body(request, exc):
    """A multipart body without its boundary, or cut short: the client's fault, not ours."""
    return _error(request, 400, "invalid_body", "The request body cannot be read as multipart/form-data.")


@api.exception_handler(RequestDataTooBig)
def body_too_big(request, exc):
    return _error(request, 400, "invalid_body", "The request body is too large.")


api.add_router("/registry/", "egov.registry.api.router")
api.add_router("/exchange/", "egov.exchange.api.router")
api.add_router("/documents/", "egov.documents.api.router")
api.add_router("/procurement/", "egov.procurement.api.router")
api.add_router("/customs/", "egov.customs.api.router")
api.add_router("/payments/", "egov.payments.api.router")
api.add_router("/tax/", "egov.tax.api.router")
