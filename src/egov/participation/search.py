"""What participation contributes to the site search: public proposals (국민제안)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.core.search import SearchHit, SearchSection
from egov.participation.models import Proposal


def _proposals(query: str, filters: dict):
    rows = Proposal.objects.select_related("agency").filter(
        Q(title__icontains=query) | Q(body__icontains=query)
    )
    if filters.get("state") in Proposal.State.values:
        rows = rows.filter(state=filters["state"])
    return rows.order_by("-posted_at", "-pk")


def _hit(proposal: Proposal) -> SearchHit:
    return SearchHit(
        title=proposal.title,
        link=f"/participation/{proposal.pk}/",
        summary=proposal.body[:200],
        meta=f"{proposal.agency.name_ko} · {proposal.get_state_display()} · "
        f"{timezone.localtime(proposal.posted_at):%Y-%m-%d}",
    )


SECTIONS = [
    SearchSection(
        code="proposals",
        label=_("Public proposals"),
        search=_proposals,
        hit=_hit,
        order=50,
        filters=(("state", _("Status"), tuple(Proposal.State.choices)),),
    )
]
