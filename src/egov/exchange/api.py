"""Mediated query API for agency systems, under /api/v1/exchange/ (docs/exchange-api.md).

A system authenticates with an OAuth2 client-credentials token from /api/v1/oauth/token
and names itself, the message and the person behind the call in X-Road's headers. Every
query goes through `exchange.queries.shared_item_query`, which calls
`exchange.services.shared_item_fetch` (checked and logged like an in-process query) and keeps
the answer to each (client, X-Road-Id) so a retry gets the same answer and no second log entry.
"""

import hashlib
import json
import re
import time
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.security import HttpBearer
from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from egov.accounts.models import AgencySystem
from egov.core.api_schemas import HEADER_VALUE_PATTERN, RRN_PATTERN, Error, InvalidInput
from egov.core.env import env_bool
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.exchange import accesslog, store, tlog
from egov.exchange.catalogue import REGISTRY
from egov.exchange.models import SharedItem
from egov.exchange.queries import shared_item_query

SCOPE = "exchange"
MAX_TOKEN_LENGTH = 255
XROAD_ID_LENGTH = 100


_HEADER_TOKEN = re.compile(HEADER_VALUE_PATTERN)


def _header_valid(value: str, max_length: int) -> bool:
    """What the OpenAPI document says of an X-Road header: visible ASCII, spaces inside only."""
    return len(value) <= max_length and _HEADER_TOKEN.fullmatch(value) is not None


# Tokens found, per process: checksum -> (when read, (expires, scope, system)). An entry is
# used for EGOV_EXCHANGE_TOKEN_CACHE_SECONDS; a token revoked, or a system deactivated, in
# another process is therefore refused within that time, and at once in this one (the
# models' signals empty the cache, `token_cache_clear`). Expiry is checked on every request.
_tokens: dict[str, tuple[float, tuple]] = {}
_TOKENS_KEPT = 10_000  # emptied when full: a bound on memory, not an LRU


def token_cache_clear(**_signal) -> None:
    """Forget every token read (a token or system changed in this process)."""
    _tokens.clear()


def _token_found(checksum: str) -> tuple | None:
    seconds = settings.EGOV_EXCHANGE_TOKEN_CACHE_SECONDS
    now = time.monotonic()
    kept = _tokens.get(checksum)
    if kept is not None and now - kept[0] < seconds:
        return kept[1]
    found = store.token_system_get(checksum=checksum)
    if found is not None and seconds > 0:
        if len(_tokens) >= _TOKENS_KEPT:
            _tokens.clear()
        _tokens[checksum] = (now, found)
    return found


def _system(checksum: str) -> AgencySystem | None:
    """The active system holding the unexpired "exchange" token with this checksum; None if
    no such token."""
    found = _token_found(checksum)
    if found is None:
        return None
    expires, scope, system = found
    if not system.is_active or expires <= timezone.now() or SCOPE not in scope.split():
        return None
    return system


class AgencySystemToken(HttpBearer):
    """A bearer token django-oauth-toolkit issued, unexpired, with the scope "exchange",
    whose application is an active agency system. `request.auth` becomes that system."""

    def authenticate(self, request: HttpRequest, token: str) -> AgencySystem | None:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        # DOT keeps only the SHA-256 of a token (COMPLIANT_BCP_RFC9700_TOKEN_STORAGE).
        checksum = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
        return _system(checksum)


router = Router(tags=["exchange"], auth=AgencySystemToken())


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    if _CONTROL_CHARACTER.search(value):
        raise ValueError("must not contain control characters")
    return value


NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


def _text(max_length: int):
    return Annotated[
        str,
        Field(max_length=max_length, json_schema_extra={"pattern": NO_CONTROL_CHARACTERS}),
        AfterValidator(_no_control_characters),
    ]


BRN_PATTERN = r"^[0-9]{3}-?[0-9]{2}-?[0-9]{5}$"


class QueryIn(BaseModel):
    """A mediated query. The OpenAPI document requires `item`, `subject`, `purpose` and `basis`
    and states their shape (`query_schema`); a query that misses one or gets its shape wrong
    is still parsed here and refused with its code (`unknown_item`, `malformed_id`,
    `missing_purpose`, `no_basis`), logged like any other refusal."""

    model_config = ConfigDict(extra="forbid")

    item: _text(64) = Field("", description="Shared item code, e.g. resident.abstract (GET /items).")
    subject: _text(32) = Field(
        "",
        description="The resident's national ID number, 900101-1234567; for an item about businesses "
        "(its `subject` is business), the business registration number, 101-82-12345.",
    )
    purpose: _text(300) = Field("", description="Why the data is needed, for this case.")
    basis: _text(32) = Field("", description='"grant:<id>" or "consent:<id>".')
    fields: list[_text(64)] | None = Field(
        None, max_length=50, description="Fields wanted; omitted or empty: every field the basis allows."
    )


def query_schema() -> dict:
    """QueryIn as the OpenAPI document states it: what a well-formed query is."""
    schema = QueryIn.model_json_schema()
    schema["required"] = ["item", "subject", "purpose", "basis"]
    properties = schema["properties"]
    for name in schema["required"]:
        properties[name].pop("default", None)
    properties["item"]["minLength"] = 1
    properties["subject"]["pattern"] = f"{RRN_PATTERN}|{BRN_PATTERN}"
    properties["purpose"]["pattern"] = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
    properties["basis"]["pattern"] = r"^(grant|consent):[0-9]{1,18}$"
    return schema


def _header_schema(max_length: int, required: bool) -> dict:
    pattern = HEADER_VALUE_PATTERN if required else f"^$|{HEADER_VALUE_PATTERN}"
    return {"type": "string", "maxLength": max_length, "pattern": pattern}


class QueryOut(Schema):
    data: dict[str, Any]
    log_id: int = Field(description="Sequence number of the access-log entry of this query.")
    message_id: str = Field(description="The X-Road-Id this answers.")


class ProviderOut(Schema):
    code: str
    name_ko: str
    name_en: str


class ExchangeItemOut(Schema):
    code: str
    provider: ProviderOut
    name_ko: str
    name_en: str
    fields: list[str]
    subject: str = Field(
        description="resident (asked by national ID number) or business (by registration number)"
    )

    @staticmethod
    def resolve_subject(obj) -> str:
        definition = REGISTRY.get(obj.code)
        return definition.subject if definition is not None else "resident"


@router.get("/items", response={200: list[ExchangeItemOut], 401: Error}, summary="Catalogue of shared items")
def item_list(request):
    """Every active shared item: its code, providing agency, names and the fields it can return."""
    return list(SharedItem.objects.filter(is_active=True).select_related("provider").order_by("code"))


# (header, max length, required)
XROAD_HEADERS = (
    ("X-Road-Client", 64, True),
    ("X-Road-Id", XROAD_ID_LENGTH, True),
    ("X-Road-UserId", 64, False),
    ("X-Road-Issue", 100, False),
)


def _xroad_headers(request: HttpRequest) -> dict[str, str]:
    values = {}
    for name, max_length, required in XROAD_HEADERS:
        value = request.headers.get(name, "").strip()
        if not value:
            if required:
                raise ValidationFailed(
                    _("The header %(name)s is required.") % {"name": name}, field=name, code="missing_header"
                )
        elif not _header_valid(value, max_length):
            raise ValidationFailed(
                _("The header %(name)s is too long or has invalid characters.") % {"name": name},
                field=name,
                code="invalid_header",
            )
        values[name] = value
    return values


def _query_in(request: HttpRequest) -> QueryIn:
    try:
        body = request.body
    except RequestDataTooBig:
        raise ValidationFailed(_("The request body is too large."), code="invalid_body") from None
    try:
        return QueryIn.model_validate_json(body or b"{}")
    except PydanticValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        if errors and errors[0]["type"] in ("json_invalid", "model_type", "model_attributes_type"):
            raise ValidationFailed(_("The body must be a JSON object."), code="invalid_body") from None
        raise ValidationError([dict(e) for e in errors]) from None


def _json(status: int, body: dict, message_id: str) -> HttpResponse:
    # Keys sorted: a receipt's body comes back from a JSON column in another key order, and
    # a retry must get the same bytes.
    content = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    response = HttpResponse(content, status=status, content_type="application/json; charset=utf-8")
    response["X-Road-Id"] = message_id
    response["Cache-Control"] = "no-store"
    return response


QUERY_DESCRIPTION = """
Fetch the allowed fields of a shared item about one resident, on a grant or a consent.
Every query, answered or refused, is appended to the access log the resident can read.

Headers (X-Road's names): `Authorization: Bearer <token>` (from `/api/v1/oauth/token`),
`X-Road-Client` (required: this system's client ID, the token's), `X-Road-Id` (required:
the client's message ID, up to 100 characters; a retry with the same ID gets the same status
and body and adds no log entry), `X-Road-UserId` (the person behind the call, logged),
`X-Road-Issue` (the case reference, logged). The response echoes `X-Road-Id`.

Error codes (`{"code", "message", "field"}`):

- 400 `malformed_id`, `missing_purpose` (refusals, logged); `missing_header`, `invalid_header`,
  `invalid_body` (not logged: no query was made)
- 401 `unauthenticated`: no token, or an unknown, expired or revoked one, or one without
  the scope `exchange`, or of an inactive system
- 403 `no_basis`, `grant_invalid`, `consent_invalid`, `field_not_granted` (refusals, logged);
  `client_mismatch`: X-Road-Client is not the token's client (not logged)
- 404 `unknown_item`, `unknown_subject` (refusals, logged)
- 422 `invalid`: a body field is too long, of the wrong type, has control characters, or is
  not one of the fields above (not logged)
"""


@router.post(
    "/queries",
    response={200: QueryOut, 400: Error, 401: Error, 403: Error, 404: Error, 422: InvalidInput},
    summary="Mediated query of a shared item",
    description=QUERY_DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": query_schema()}},
        },
        "parameters": [
            {"in": "header", "name": name, "required": required, "schema": _header_schema(n, required)}
            for name, n, required in XROAD_HEADERS
        ],
    },
)
def query_create(request):
    """Answer one mediated query (see the description)."""
    system: AgencySystem = request.auth
    headers = _xroad_headers(request)
    if headers["X-Road-Client"] != system.client_id:
        raise PermissionDenied(
            _("X-Road-Client does not name the client this token was issued to."),
            field="X-Road-Client",
            code="client_mismatch",
        )
    query = _query_in(request)
    status, body = shared_item_query(
        system=system,
        item=query.item,
        subject=query.subject,
        purpose=query.purpose,
        basis=query.basis,
        fields=query.fields,
        case_ref=headers["X-Road-Issue"],
        message_id=headers["X-Road-Id"],
        user_ref=headers["X-Road-UserId"],
        # Not looked up first: a message answered before makes the receipt's insert fail,
        # and its stored answer is given instead.
        stored=None,
    )
    return _json(status, body, headers["X-Road-Id"])


# The baseline for benchmarks/exchange_qps.py: one indexed select and one insert, with no
# token, grant or log. Mounted only when EGOV_BENCHMARK_ENDPOINTS=1; never in production.
# It writes to the table `benchmark_bare_hit`, which the benchmark creates.
if env_bool("EGOV_BENCHMARK_ENDPOINTS", False):
    from egov.registry.selectors import resident_get_by_rrn

    class BareIn(Schema):
        subject: _text(32)

    @router.post("/benchmark/bare", auth=None, include_in_schema=False)
    def benchmark_bare(request, payload: BareIn):
        """Look the resident up by ID number and insert one row: the benchmark's baseline."""
        resident = resident_get_by_rrn(rrn=payload.subject)
        store.benchmark_bare_hit_insert(resident_id=resident.pk if resident else None, at=timezone.now())
        return {"resident": resident.pk if resident else None}


# --- The access log's checkpoints and proofs (docs/transparency-log.md) ------------------------


class CheckpointOut(Schema):
    tree_size: int = Field(description="Entries in the tree.")
    root_hash: str = Field(description="The tree's root hash, base64.")
    note: str = Field(description="The C2SP checkpoint as a signed note, with the witnesses' cosignatures.")


class InclusionProofOut(Schema):
    index: int = Field(description="The leaf's index (the entry's seq - 1).")
    tree_size: int
    hashes: list[str] = Field(description="The RFC 9162 inclusion proof, leaf to root, base64.")


class ConsistencyProofOut(Schema):
    old_size: int
    new_size: int
    hashes: list[str] = Field(description="The RFC 9162 consistency proof, base64.")


class LogEntryOut(Schema):
    log_id: int = Field(description="The entry's id, as the query's answer gave it.")
    seq: int | None = Field(description="Its position (1-based) once integrated; null while pending.")
    leaf_hash: str = Field(description="SHA-256(0x00 ‖ canonical form), hex.")


def _sizes_error(message: str, field: str) -> tuple[int, dict]:
    """A size or index the schema allows that names no tree, leaf or proof of this log (yet):
    not found, like any other thing the log does not hold."""
    return 404, {"code": "no_such_size", "message": message, "field": field}


@router.get(
    "/log/checkpoint",
    auth=None,
    response={200: CheckpointOut, 404: Error},
    summary="The log's latest checkpoint",
)
def log_checkpoint(request):
    """The latest checkpoint of the access log, signed by the platform and cosigned by the
    witnesses. Public: it holds hashes only."""
    published = accesslog.checkpoint_published()
    if published is None:
        return 404, {"code": "no_checkpoint", "message": "The log has no checkpoint yet.", "field": None}
    size, root, note = published
    return {"tree_size": size, "root_hash": tlog.b64(root), "note": note}


@router.get(
    "/log/proofs/inclusion",
    auth=None,
    response={200: InclusionProofOut, 404: Error},
    summary="Inclusion proof of a leaf in a tree size",
)
def log_inclusion_proof(request, index: int = Query(..., ge=0), tree_size: int = Query(..., ge=1)):
    published = accesslog.checkpoint_published()
    latest = published[0] if published else 0
    if not 0 < tree_size <= latest:
        return _sizes_error(f"tree_size must be between 1 and {latest}, a checkpointed size.", "tree_size")
    if not 0 <= index < tree_size:
        return _sizes_error("index must be at least 0 and below tree_size.", "index")
    hashes = accesslog.inclusion_proof(index, tree_size)
    return {"index": index, "tree_size": tree_size, "hashes": [tlog.b64(h) for h in hashes]}


@router.get(
    "/log/proofs/consistency",
    auth=None,
    response={200: ConsistencyProofOut, 404: Error},
    summary="Consistency proof between two tree sizes",
)
def log_consistency_proof(request, old_size: int = Query(..., ge=0), new_size: int = Query(..., ge=1)):
    published = accesslog.checkpoint_published()
    latest = published[0] if published else 0
    if not 0 < new_size <= latest:
        return _sizes_error(f"new_size must be between 1 and {latest}.", "new_size")
    if not 0 <= old_size <= new_size:
        return _sizes_error("old_size must be between 0 and new_size.", "old_size")
    hashes = accesslog.consistency_proof(old_size, new_size)
    return {"old_size": old_size, "new_size": new_size, "hashes": [tlog.b64(h) for h in hashes]}


@router.get(
    "/log/entries/{log_id}",
    response={200: LogEntryOut, 401: Error, 404: Error},
    summary="A query's log entry",
)
def log_entry(request, log_id: int):
    """The position and leaf hash of the log entry of one of this system's queries (`log_id`
    from the answer): the position comes once the integrator has run (within a second or so)."""
    found = accesslog.entry_position(entry_id=log_id, client_id=request.auth.client_id)
    if found is None:
        return 404, {"code": "not_found", "message": "No such log entry of this system.", "field": "log_id"}
    return {"log_id": log_id, "seq": found[0], "leaf_hash": found[1]}
