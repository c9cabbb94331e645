"""The collecting bank's API, under /api/v1/payments/ (docs/payments.md).

The bank's system authenticates like every agency system: an OAuth2 client-credentials token
from /api/v1/oauth/token, here with the scope "payments", held by an active system whose client
ID is listed in `EGOV_PAYMENT_BANK_CLIENTS`. It posts each statement file as it is (the XML
in the body); the answer says what the import did. The same file posted again changes nothing.
"""

import hashlib

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken

from egov.accounts.models import AgencySystem
from egov.core.api_schemas import Error
from egov.payments.statements import statement_import

SCOPE = "payments"


class BankSystemToken(HttpBearer):
    """An unexpired token with the scope "payments" of an active agency system that is one of
    the collecting banks' (`EGOV_PAYMENT_BANK_CLIENTS`); `request.auth` becomes that system."""

    def authenticate(self, request: HttpRequest, token: str) -> AgencySystem | None:
        if not token or len(token) > 255:
            return None
        checksum = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
        found = AccessToken.objects.select_related("application").filter(token_checksum=checksum).first()
        if found is None or found.expires <= timezone.now() or SCOPE not in found.scope.split():
            return None
        system = AgencySystem.objects.filter(application_id=found.application_id, is_active=True).first()
        if system is None or system.client_id not in settings.EGOV_PAYMENT_BANK_CLIENTS:
            return None
        return system


router = Router(tags=["payments"], auth=BankSystemToken())


class StatementOut(Schema):
    message_id: str
    kind: str
    already: bool
    credits: int
    new: int
    repeated: int
    matched: int
    partial: int
    overpaid: int
    unknown: int
    closed: int
    skipped: int


@router.post(
    "/statements",
    response={200: StatementOut, 400: Error, 401: Error, 409: Error},
    summary="Post a camt.054.001.08 or camt.053.001.08 file (the XML as the body)",
    openapi_extra={
        "requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}, "required": True}
    },
)
def statement_post(request):
    """Import one statement file from the collecting bank: credits matched by virtual account
    and amount, the rest to the reconciliation queue. 400 names the element at fault."""
    result = statement_import(actor=None, content=request.body, source=f"api:{request.auth.client_id}")
    counts = result.counts or {}
    return {
        "message_id": result.statement.message_id,
        "kind": result.statement.kind,
        "already": result.already,
        **{key: counts.get(key, 0) for key in (
            "credits", "new", "repeated", "matched", "partial", "overpaid", "unknown", "closed", "skipped"
        )},
    }  # fmt: skip
