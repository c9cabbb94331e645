"""Release notices (수입신고필증 / 수출신고필증), issued after the release.

A declaration is released in the request that decides it (`declarations._release`): its state,
the release event and the audit event are committed at once. The notice — rendered, signed with
the QR, verifiable at /verify — is issued here, by `egov worker` (a tick every second, and a
sweep for `egov worker --once`), a moment later; until then the declaration is released with
no `release_document`. Signing one PDF costs about as much CPU as the whole rest of a green
declaration, so keeping it out of the request is what lets the green lane answer at once.
"""

import logging

from django.db import transaction
from django.utils import timezone

from egov.cases.services import case_transition
from egov.customs.models import Declaration
from egov.documents.services import document_issue

BATCH = 500
logger = logging.getLogger(__name__)


def _payload(declaration: Declaration) -> dict:
    items = list(declaration.items.select_related("heading"))
    return {
        "declaration": declaration.number,
        "kind": declaration.kind,
        "trader": declaration.trader.name,
        "trader_brn": declaration.trader.brn_formatted,
        "declarant": declaration.declarant.name,
        "conveyance": declaration.conveyance,
        "port_of_loading": declaration.port_of_loading,
        "port_of_discharge": declaration.port_of_discharge,
        "customs_value": f"{declaration.customs_value:,}원",
        "tax_total": f"{declaration.tax_total + declaration.penalty_total:,}원",
        "accepted_at": timezone.localtime(declaration.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
        "released_at": timezone.localtime(declaration.decided_at).strftime("%Y-%m-%d %H:%M:%S"),
        "items": [
            {
                "sequence": i.sequence,
                "hs_code": i.heading.code,
                "description": i.description,
                "quantity": str(i.quantity),
                "unit": i.unit,
                "origin": i.origin,
                "customs_value": f"{i.customs_value:,}원",
            }
            for i in items
        ],
        "note": declaration.release_note,
    }


@transaction.atomic
def release_notice_issue(*, declaration_id: int) -> str:
    """Issue the release notice of a released declaration that has none yet, and tell the
    trader; its issuance number, or "" when there is nothing to do (issued already, not
    released, or another worker holds it right now)."""
    declaration = (
        Declaration.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("trader", "declarant", "agency")
        .filter(pk=declaration_id, state=Declaration.State.RELEASED, release_document="")
        .first()
    )
    if declaration is None:
        return ""
    doc_type = (
        "customs.import_release" if declaration.kind == Declaration.Kind.IMPORT else "customs.export_release"
    )
    document = document_issue(
        actor=None,
        doc_type=doc_type,
        subject=declaration.trader,
        payload=_payload(declaration),
        agency=declaration.agency,
    )
    declaration.release_document = document.number
    case_transition(
        actor=None,
        case=declaration,
        action="issue_notice",
        fields=["release_document"],
        note=" ".join(part for part in (declaration.release_note, document.number) if part),
        after={"document": document.number},
    )
    return document.number


def release_notices_issue_pending(*, limit: int = BATCH) -> int:
    """Issue the notices of released declarations that have none yet, oldest first, each in
    its own transaction; how many were issued. Safe from two workers at once (a declaration
    one of them holds is skipped by the other)."""
    ids = list(
        Declaration.objects.filter(state=Declaration.State.RELEASED, release_document="")
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    issued = 0
    for pk in ids:
        try:
            issued += bool(release_notice_issue(declaration_id=pk))
        except Exception:  # noqa: BLE001 - one notice that fails must not hold back the others
            logger.exception("release notice not issued", extra={"declaration": pk})
    return issued
