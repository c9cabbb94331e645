"""Reads for the public participation pages: proposals are public, their authors are not shown."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from egov.core.errors import NotFound
from egov.participation.models import Proposal
from egov.petitions.models import Petition


@dataclass(frozen=True)
class OfficialResponse:
    """What the agency answered to a proposal that became a petition, and when it is due."""

    petition_number: str
    state: str
    state_label: str
    due_at: datetime | None
    answer: str
    answered_at: datetime | None


def proposal_list(*, state: str | None = None) -> QuerySet[Proposal]:
    """Public proposals, newest first; `state` `open` (still collecting), `petitioned` or
    `closed` (the period ended without reaching the threshold)."""
    qs = Proposal.objects.select_related("category", "agency")
    now = timezone.now()
    if state == "open":
        qs = qs.filter(state=Proposal.State.OPEN, closes_at__gt=now)
    elif state == "petitioned":
        qs = qs.filter(state=Proposal.State.PETITIONED)
    elif state == "closed":
        qs = qs.filter(state=Proposal.State.OPEN, closes_at__lte=now)
    return qs


def proposal_get(*, proposal_id: int) -> Proposal:
    """One public proposal; NotFound if there is none."""
    proposal = (
        Proposal.objects.select_related("category", "agency", "petition__clock")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise NotFound("No such proposal.", field="proposal")
    return proposal


def proposal_agreed_by(*, actor, proposal: Proposal) -> bool:
    """Whether the user, a registered resident, has agreed to the proposal."""
    resident_id = getattr(actor, "resident_id", None) if actor.is_authenticated else None
    return resident_id is not None and proposal.agreements.filter(resident_id=resident_id).exists()


def proposal_comments(*, proposal: Proposal) -> QuerySet:
    """The proposal's comments."""
    return proposal.comments.all()


def official_response(proposal: Proposal) -> OfficialResponse | None:
    """The petition's state, deadline and answer, published with the proposal; None before the
    threshold. Only what the agency answered is shown, never the petition's internal history."""
    petition = proposal.petition
    if petition is None:
        return None
    answered = petition.state in (Petition.State.ANSWERED, Petition.State.CLOSED) and bool(petition.answer)
    return OfficialResponse(
        petition_number=petition.number,
        state=petition.state,
        state_label=str(petition.get_state_display()),
        due_at=petition.due_at if petition.is_open else None,
        answer=petition.answer if answered else "",
        answered_at=petition.answered_at if answered else None,
    )
