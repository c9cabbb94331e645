"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json).

Errors always come as {"code", "message", "field"} with a 4xx status; a ServiceError raised
anywhere in a handler becomes one, so no refusal turns into a 500.
"""

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from egov.core.errors import NotFound, PermissionDenied, ServiceError

api = NinjaAPI(
    title="egov API",
    version="1",
    description="APIs of the egov digital-government platform.",
    urls_namespace="api",
)

_STATUS = {NotFound: 404, PermissionDenied: 403}


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
    if exc.code == "conflict":
        status = 409
    return api.create_response(
        request, {"code": exc.code, "message": exc.message, "field": exc.field}, status=status
    )


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    location = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
    return api.create_response(
        request,
        {
            "code": "invalid",
            "message": first.get("msg", "Invalid input."),
            "field": ".".join(location) or None,
            "errors": exc.errors,
        },
        status=422,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(
        request, {"code": "unauthenticated", "message": "Log in first.", "field": None}, status=401
    )


api.add_router("/registry/", "egov.registry.api.router")
api.add_router("/exchange/", "egov.exchange.api.router")
api.add_router("/documents/", "egov.documents.api.router")
api.add_router("/procurement/", "egov.procurement.api.router")
api.add_router("/payments/", "egov.payments.api.router")
