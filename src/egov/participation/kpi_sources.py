"""What e-participation counts for performance management (`egov.core.measures`): proposals
posted (`participation.proposals`) and agreements given (`participation.agreements`), per the
agency the proposal is addressed to and the month posted or given."""

from egov.core.measures import Fact, MeasureSource
from egov.participation.models import Agreement


def proposal_facts(proposals) -> list[Fact]:
    return [Fact("participation.proposals", p.agency_id, p.posted_at) for p in proposals]


def agreement_facts(agreements: list[Agreement]) -> list[Fact]:
    return [Fact("participation.agreements", a.proposal.agency_id, a.agreed_at) for a in agreements]


SOURCES = (
    MeasureSource(code="participation.proposals", model="participation.Proposal", facts=proposal_facts),
    MeasureSource(
        code="participation.agreements", model="participation.Agreement", facts=agreement_facts,
        select_related=("proposal",),
    ),
)  # fmt: skip
