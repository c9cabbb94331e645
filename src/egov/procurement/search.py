"""What procurement contributes to the site search: tender notices (입찰공고)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.core.search import SearchHit, SearchSection
from egov.procurement.models import Tender


def _tenders(query: str, filters: dict):
    rows = Tender.objects.select_related("agency").filter(
        Q(title__icontains=query)
        | Q(number__icontains=query)
        | Q(description__icontains=query)
        | Q(agency__name_ko__icontains=query)
    )
    if filters.get("status") == "open":
        rows = rows.filter(state=Tender.State.PUBLISHED, deadline__gt=timezone.now())
    return rows.order_by("-published_at", "-pk")


def _hit(tender: Tender) -> SearchHit:
    deadline = timezone.localtime(tender.deadline)
    return SearchHit(
        title=tender.title,
        link=f"/procurement/tenders/{tender.number}/",
        summary=(tender.description or "")[:200],
        meta=f"{tender.agency.name_ko} · {tender.number} · {_('Deadline')} {deadline:%Y-%m-%d %H:%M}",
    )


SECTIONS = [
    SearchSection(
        code="tenders",
        label=_("Tender notices"),
        search=_tenders,
        hit=_hit,
        order=30,
        filters=(("status", _("Status"), (("open", _("Taking bids")),)),),
    )
]
