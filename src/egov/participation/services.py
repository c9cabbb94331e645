"""Participation: posting a public proposal, commenting, agreeing; at the threshold, the proposal
becomes a petition of kind proposal to the competent agency (`petitions.services.petition_file`).

Every change is one transaction with an audit event. Citizens (users linked to a resident) post,
comment and agree; one agreement per resident (a unique constraint; a second one is a Conflict
with code `already_agreed`). Agreements and comments are accepted while the proposal is open:
collecting, and before `closes_at` (`EGOV_PROPOSAL_DAYS` after posting).
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.participation.models import Agreement, Comment, Proposal
from egov.petitions import services as petitions
from egov.petitions.models import Category, Petition

TITLE_MAX = 200
BODY_MAX = 4000
COMMENT_MAX = 1000


def proposal_days() -> int:
    """Days a new proposal collects agreements."""
    return max(1, int(getattr(settings, "EGOV_PROPOSAL_DAYS", 30)))


def proposal_threshold() -> int:
    """Agreements that make a new proposal a petition."""
    return max(1, int(getattr(settings, "EGOV_PROPOSAL_THRESHOLD", 50)))


def proposal_is_open(proposal: Proposal, *, now: dt.datetime | None = None) -> bool:
    return proposal.state == Proposal.State.OPEN and (now or timezone.now()) < proposal.closes_at


def _require_citizen(actor, what: str) -> None:
    if not getattr(actor, "is_citizen", False) or getattr(actor, "resident_id", None) is None:
        raise PermissionDenied(what)


def _category(category) -> Category:
    code = category.code if isinstance(category, Category) else str(category or "").strip()[:64]
    found = (
        Category.objects.filter(code=code, is_active=True).select_related("agency").first() if code else None
    )
    if found is None:
        raise ValidationFailed(_("Choose the agency's field (category)."), field="category")
    return found


def _locked_open(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal_is_open(locked):
        raise Conflict(
            _("This proposal no longer collects agreements or comments."), field="proposal", code="closed"
        )
    return locked


@transaction.atomic
def proposal_post(*, actor, category, title: str, body: str) -> Proposal:
    """A citizen posts a public proposal to the agency competent for `category`: open for
    `proposal_days()` days, to become a petition at `proposal_threshold()` agreements."""
    _require_citizen(actor, _("Proposals are posted by citizens."))
    title = require_text(title, "title", label=_("The title"), max_length=TITLE_MAX)
    body = require_text(body, "body", label=_("The text"), max_length=BODY_MAX)
    category = _category(category)
    now = timezone.now()
    proposal = Proposal.objects.create(
        title=title, body=body, category=category, agency=category.agency, author=actor, posted_at=now,
        closes_at=now + dt.timedelta(days=proposal_days()), threshold=proposal_threshold(),
    )  # fmt: skip
    audit_record(
        actor=actor, action="proposal.post", obj=proposal,
        after={"category": category.code, "agency": category.agency.code, "threshold": proposal.threshold},
    )  # fmt: skip
    return proposal


@transaction.atomic
def proposal_comment(*, actor, proposal: Proposal, body: str) -> Comment:
    """A citizen comments on an open proposal."""
    _require_citizen(actor, _("Comments are written by citizens."))
    body = require_text(body, "body", label=_("The comment"), max_length=COMMENT_MAX)
    proposal = _locked_open(proposal)
    comment = Comment.objects.create(proposal=proposal, author=actor, body=body, posted_at=timezone.now())
    audit_record(actor=actor, action="proposal.comment", obj=proposal, after={"comment": comment.pk})
    return comment


@transaction.atomic
def proposal_agree(*, actor, proposal: Proposal) -> Proposal:
    """A resident agrees with an open proposal, once. The agreement that reaches the threshold
    files the proposal as a petition (kind proposal) to the competent agency, in the same
    transaction, with the author as petitioner: its statutory clock gives the deadline for the
    official response, which the proposal's page then publishes."""
    _require_citizen(actor, _("Agreements are given by residents."))
    proposal = _locked_open(proposal)
    try:
        with transaction.atomic():
            Agreement.objects.create(
                proposal=proposal, resident_id=actor.resident_id, user=actor, agreed_at=timezone.now()
            )
    except IntegrityError:
        raise Conflict(
            _("You have already agreed with this proposal."), field="proposal", code="already_agreed"
        ) from None
    Proposal.objects.filter(pk=proposal.pk).update(agreement_count=F("agreement_count") + 1)
    proposal.refresh_from_db(fields=["agreement_count"])
    audit_record(
        actor=actor, action="proposal.agree", obj=proposal, after={"count": proposal.agreement_count}
    )
    if proposal.agreement_count >= proposal.threshold and proposal.petition_id is None:
        _petition_file(proposal)
    return proposal


def _petition_file(proposal: Proposal) -> None:
    body = (
        f"{proposal.body}\n\n"
        f"— 국민제안 공개 제안 #{proposal.pk}: {proposal.agreement_count}명 공감 "
        f"/ Public proposal #{proposal.pk}: {proposal.agreement_count} agreements"
    )[: petitions.BODY_MAX]
    petition = petitions.petition_file(
        actor=proposal.author, kind=Petition.Kind.PROPOSAL, category=proposal.category, title=proposal.title,
        body=body,
    )  # fmt: skip
    proposal.petition = petition
    proposal.petitioned_at = timezone.now()
    proposal.state = Proposal.State.PETITIONED
    proposal.save(update_fields=["petition", "petitioned_at", "state"])
    audit_record(actor=None, action="proposal.petition", obj=proposal, after={"petition": petition.number})
