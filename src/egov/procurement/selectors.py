"""Reads that pages and APIs share."""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.accounts.permissions import agency_scope_ids
from egov.core.errors import NotFound
from egov.procurement.models import Bid, Contract, Tender


def lookup_text(value) -> str:
    """A number or search text from a path, a query or a body as a lookup value: '' (which
    matches nothing) when it is not text or holds a NUL, which PostgreSQL refuses (a 500)."""
    return value if isinstance(value, str) and "\x00" not in value else ""


def tender_search(
    *, query: str = "", category: str = "", open_only: bool = True, limit: int = 200
) -> list[Tender]:
    """Public search of tender notices by number, title or agency, newest deadline last.
    `open_only`: the notices taking bids' deadline still ahead (not opened, not cancelled);
    otherwise every notice, the cancelled ones (취소공고) included."""
    tenders = Tender.objects.select_related("agency")
    query = lookup_text(query).strip()[:100]
    if query:
        tenders = tenders.filter(
            Q(title__icontains=query)
            | Q(number__icontains=query)
            | Q(agency__name_ko__icontains=query)
            | Q(agency__name_en__icontains=query)
        )
    if open_only:
        tenders = tenders.filter(state=Tender.State.PUBLISHED, deadline__gt=timezone.now())
    results = list(tenders.order_by("deadline", "number")[: limit * 4 if category else limit])
    if category:  # JSON list containment differs between SQLite and PostgreSQL: filter here
        results = [t for t in results if category in t.categories][:limit]
    return results


def tender_get_public(*, number: str) -> Tender:
    tender = Tender.objects.select_related("agency").filter(number=lookup_text(number)).first()
    if tender is None:
        raise NotFound(_("No such tender."), field="tender")
    return tender


def tender_get_for(*, actor: User, number: str, lock: bool = False) -> Tender:
    """The tender as its agency's official sees it; NotFound for another agency's tender."""
    tenders = Tender.objects.select_for_update() if lock else Tender.objects.select_related("agency")
    tender = tenders.filter(number=lookup_text(number)).first()
    if tender is None or tender.agency_id not in agency_scope_ids(actor):
        raise NotFound(_("No such tender."), field="tender")
    return tender


def bids_open(tender: Tender) -> bool:
    """Whether the tender takes bids now: published, before the deadline, every share collected."""
    return (
        tender.state == Tender.State.PUBLISHED
        and timezone.now() < tender.deadline
        and not tender.committee.filter(collected_at__isnull=True).exists()
    )


def opening_record(*, tender: Tender) -> list[Bid]:
    """After the opening: every bid that was live at the deadline, valid ones by rank first."""
    if tender.state != Tender.State.OPENED:
        return []
    bids = list(tender.bids.filter(state=Bid.State.LIVE).select_related("supplier__business"))
    return sorted(bids, key=lambda b: (b.rank is None, b.rank or 0, b.submitted_at))


def document_verification_url(document) -> str:
    """The public verification page of a signed document, by its issuance number."""
    return f"{settings.EGOV_PUBLIC_URL}/verify?n={document.number}"


def contract_of(tender: Tender) -> Contract | None:
    """The tender's contract (with its document and supplier), or None."""
    return Contract.objects.select_related("document", "supplier__business").filter(tender=tender).first()
