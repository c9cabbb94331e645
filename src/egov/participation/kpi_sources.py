"""What e-participation counts for performance management (`egov.core.measures`): proposals
posted (`participation.proposals`) and agreements given (`participation.agreements`), per the
agency the proposal is addressed to and the month posted or given."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from egov.core.measures import Fact, MeasureSource
from egov.participation.models import Agreement, Proposal


def proposal_facts(proposals) -> list[Fact]:
    return [Fact("participation.proposals", p.agency_id, p.posted_at) for p in proposals]


def agreement_facts(agreements: list[Agreement]) -> list[Fact]:
    return [Fact("participation.agreements", a.proposal.agency_id, a.agreed_at) for a in agreements]


def proposal_records(*, agency_ids, start, end, service="", measure=""):
    """The proposals behind e-participation: posted in [start, end), or agreed to in it (each
    once), to the agencies of `agency_ids`, newest first."""
    in_period = Q(posted_at__gte=start, posted_at__lt=end) | Q(
        agreements__agreed_at__gte=start, agreements__agreed_at__lt=end
    )
    ids = Proposal.objects.filter(in_period, agency_id__in=agency_ids).values("pk")
    return Proposal.objects.filter(pk__in=ids).order_by("-posted_at", "-pk")


def proposal_row(proposal, actor) -> dict:
    return {
        "number": str(proposal.pk),
        "at": proposal.posted_at,
        "detail": _("%(title)s · %(count)s agreements")
        % {"title": proposal.title, "count": proposal.agreement_count},
        "url": reverse("participation:detail", args=[proposal.pk]),
    }


SOURCES = (
    MeasureSource(
        code="participation.proposals", model="participation.Proposal", facts=proposal_facts,
        records=proposal_records, record_row=proposal_row,
    ),
    MeasureSource(
        code="participation.agreements", model="participation.Agreement", facts=agreement_facts,
        select_related=("proposal",),
    ),
)  # fmt: skip
