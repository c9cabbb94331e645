"""Petitions (e-People): filing, assignment, transfer, extension, answer, rating and reopening.

Every state change is one transaction and one declared step of the petition procedure
(`petitions.procedure`), taken through the case kernel: the petition's state, its history, the
audit event with the step's legal basis and the e-mail to the petitioner after commit are the
kernel's (`case_transition`); the deadline clock is `core.deadlines`' (started on filing,
restarted at the competent agency on a transfer, extended once, closed on the answer; a new
clock on reopening). What stays here is what is particular to petitions.

Who may act: the petitioner on their own petition (rate, reopen, withdraw); officials of the
competent agency, or of an agency above it, holding the registrar or agency-administrator role
(assign, start, transfer, extend, answer). To anyone else the petition does not exist
(NotFound), so its number reveals nothing.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.cases.services import (
    case_files_atomic,
    case_files_store,
    case_lock_for,
    case_notify,
    case_number_allocate,
    case_transition,
)
from egov.core import deadlines
from egov.core import files as core_files
from egov.core.checks import require_text
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.core.models import CaseClock
from egov.exchange.services import person_record_shown
from egov.petitions.models import Category, Petition
from egov.petitions.periods import GRIEVANCE, PROPOSAL
from egov.petitions.procedure import LAW, PETITION
from egov.registry.models import Agency

TITLE_MAX = 200
BODY_MAX = 4000
ANSWER_MAX = 8000
REASON_MAX = 1000
MAX_REOPENS = 1
SATISFIED = 3  # a rating of 3 or more closes the petition; 1–2 leaves it open to reopening
ATTACHMENT = "attachment"  # the purpose of the petitioner's files among the case's files


def reopen_days() -> int:
    """The days after the answer during which an unsatisfied petitioner may reopen."""
    return settings.EGOV_PETITION_REOPEN_DAYS


# --- helpers ----------------------------------------------------------------------------------


def _period_code(kind: str, category: Category) -> str:
    if kind == Petition.Kind.GRIEVANCE:
        return GRIEVANCE
    if kind == Petition.Kind.PROPOSAL:
        return PROPOSAL
    if deadlines.period_get(category.period_code) is None:
        raise ValidationFailed(_("This category has no processing period; choose another."), field="category")
    return category.period_code


def _category(category) -> Category:
    if isinstance(category, Category):
        found = Category.objects.filter(pk=category.pk, is_active=True).select_related("agency").first()
    else:
        code = str(category or "").strip()[:64]
        found = (
            Category.objects.filter(code=code, is_active=True).select_related("agency").first()
            if code
            else None
        )
    if found is None:
        raise ValidationFailed(_("Choose a category."), field="category")
    return found


def _idempotency(key) -> str:
    key = str(key or "").strip()
    if not (8 <= len(key) <= 64) or not key.replace("-", "").isalnum():
        raise ValidationFailed(_("The form expired; open it again."), field="idempotency_key")
    return key


# --- the petitioner ---------------------------------------------------------------------------


def petition_file(
    *,
    actor,
    kind: str,
    category,
    title: str,
    body: str,
    attachments=(),
    received_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Petition:
    """File a petition (a citizen or a business representative): it goes to the category's agency
    with its statutory clock running from now (`received_at`, an earlier receipt, is for the demo
    history and imports; a future moment is refused) and the next petition number of the year.
    Attachments are checked by content (PDF, PNG, JPEG) and size before anything is written; if
    anything fails, nothing is kept, neither rows nor files nor the number.

    `idempotency_key` (the filing form's hidden field): filing again with the same key returns the
    petition the first filing made, even when both arrive at once (unique constraint)."""
    if not (getattr(actor, "is_citizen", False) or getattr(actor, "is_business", False)):
        raise PermissionDenied(_("Petitions are filed by citizens and businesses."))
    key = _idempotency(idempotency_key) if idempotency_key is not None else None
    if key is not None:
        existing = Petition.objects.filter(petitioner=actor, idempotency_key=key).first()
        if existing is not None:
            return existing
    if kind not in Petition.Kind.values:
        raise ValidationFailed(_("Choose complaint, grievance or proposal."), field="kind")
    title = require_text(title, "title", label=_("The title"), max_length=TITLE_MAX)
    body = require_text(body, "body", label=_("The text"), max_length=BODY_MAX)
    category = _category(category)
    period = _period_code(kind, category)
    checked = core_files.files_check(attachments, field="attachments")
    try:
        with case_files_atomic():
            now = received_at or timezone.now()
            number = case_number_allocate(procedure=PETITION, at=now)
            clock = deadlines.clock_start(
                case_type=period, case_ref=Petition(number=number).case_ref, agency=category.agency,
                received_at=now, actor=actor,
            )  # fmt: skip
            petition = Petition.objects.create(
                number=number, kind=kind, category=category, title=title, body=body, petitioner=actor,
                agency=category.agency, submitted_at=now, clock=clock, idempotency_key=key,
            )  # fmt: skip
            case_files_store(actor=actor, case=petition, files=checked, purpose=ATTACHMENT)
            case_transition(
                actor=actor, case=petition, action="file", data={"agency": category.agency.code}, at=now,
                after={"kind": kind, "category": category.code, "agency": category.agency.code,
                       "attachments": len(checked)},
            )  # fmt: skip
    except IntegrityError:
        if key is not None:
            existing = Petition.objects.filter(petitioner=actor, idempotency_key=key).first()
            if existing is not None:  # the same form, filed at the same moment by another request
                return existing
        raise
    return petition


@transaction.atomic
def petition_rate(*, actor, petition: Petition, satisfaction: int, comment: str = "") -> Petition:
    """The petitioner rates the answer from 1 (very unsatisfied) to 5. From 3 the petition closes
    (a second step, `close`); below, it stays answered and may be reopened within the window."""
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise ValidationFailed(_("Rate from 1 to 5."), field="satisfaction")
    comment = (comment or "").strip()
    if len(comment) > REASON_MAX or "\x00" in comment:
        raise ValidationFailed(
            _("The comment is longer than %(max)d characters.") % {"max": REASON_MAX}, field="comment"
        )
    petition = case_lock_for(actor=actor, case=petition, action="rate", check_state=False)
    if petition.state != Petition.State.ANSWERED or petition.satisfaction is not None:
        raise Conflict(_("Only a new answer can be rated."), field="petition", code="closed")
    petition.satisfaction = satisfaction
    petition.rated_at = timezone.now()
    case_transition(
        actor=actor, case=petition, action="rate", fields=["satisfaction", "rated_at"], note=comment,
        data={"satisfaction": satisfaction}, after={"satisfaction": satisfaction}, notify=False,
    )  # fmt: skip
    if satisfaction >= SATISFIED:
        case_transition(
            actor=actor, case=petition, action="close", after={"satisfaction": satisfaction}, notify=False
        )
    return petition


@transaction.atomic
def petition_reopen(*, actor, petition: Petition, reason: str) -> Petition:
    """An unsatisfied petitioner reopens the answered petition within `reopen_days()` of the
    answer, once: the agency answers again on a new clock with the full statutory period."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=REASON_MAX)
    petition = case_lock_for(actor=actor, case=petition, action="reopen", check_state=False)
    if petition.state != Petition.State.ANSWERED:
        raise Conflict(
            _("Only an answered petition you are not satisfied with can be reopened."),
            field="petition",
            code="closed",
        )
    if petition.satisfaction is not None and petition.satisfaction >= SATISFIED:
        raise Conflict(_("You were satisfied with this answer."), field="petition", code="closed")
    if petition.reopen_count >= MAX_REOPENS:
        raise Conflict(_("This petition has already been reopened once."), field="petition", code="limit")
    window = reopen_days()
    if timezone.now() > petition.answered_at + dt.timedelta(days=window):
        raise Conflict(
            _("A petition can be reopened within %(days)d days of the answer.") % {"days": window},
            field="petition",
            code="expired",
        )
    old_clock = petition.clock
    petition.reopen_count += 1
    petition.clock = deadlines.clock_start(
        case_type=old_clock.case_type, case_ref=petition.case_ref, agency=petition.agency, actor=actor
    )
    petition.answer, petition.answered_at, petition.answered_by = "", None, None
    petition.satisfaction, petition.rated_at = None, None
    case_transition(
        actor=actor, case=petition, action="reopen", note=reason, reason=reason,
        fields=["reopen_count", "clock", "answer", "answered_at", "answered_by", "satisfaction", "rated_at"],
    )  # fmt: skip
    return petition


@transaction.atomic
def petition_withdraw(*, actor, petition: Petition, reason: str = "") -> Petition:
    """The petitioner withdraws an open petition: it closes, its clock stops."""
    reason = (reason or "").strip()[:REASON_MAX]
    petition = case_lock_for(actor=actor, case=petition, action="withdraw")
    deadlines.clock_close(case_ref=petition.case_ref, actor=actor, reason=reason or "withdrawn")
    case_transition(actor=actor, case=petition, action="withdraw", note=reason, reason=reason)
    return petition


# --- officials --------------------------------------------------------------------------------


@transaction.atomic
def petition_assign(*, actor, petition: Petition, assignee: User, note: str = "") -> Petition:
    """Assign the petition to an official of its competent agency (배정: a received, transferred
    or reopened petition becomes assigned), or reassign it while it is worked on (재배정)."""
    note = (note or "").strip()[:REASON_MAX]
    # both steps take the same roles; which one it is depends on the state as of the lock
    petition = case_lock_for(actor=actor, case=petition, action="reassign", check_state=False)
    action = "assign" if petition.state in PETITION.transition("assign").sources else "reassign"
    if petition.state not in PETITION.transition(action).sources:
        raise Conflict(
            _("The petition is %(state)s; this cannot be done now.")
            % {"state": petition.get_state_display()},
            field="petition",
            code="closed",
        )
    if (
        not isinstance(assignee, User)
        or not assignee.is_official
        or not assignee.is_active
        or assignee.agency_id != petition.agency_id
    ):
        raise ValidationFailed(_("Choose an official of the competent agency."), field="assignee")
    if assignee.pk == petition.assignee_id:
        raise ValidationFailed(_("The petition is already assigned to this official."), field="assignee")
    before = petition.assignee_id
    petition.assignee = assignee
    case_transition(
        actor=actor, case=petition, action=action, fields=["assignee"], note=note, reason=note,
        data={"assignee": assignee.pk}, before={"assignee": before}, after={"assignee": assignee.pk},
        notify=False,
    )  # fmt: skip
    case_notify(petition, _("Assigned to you."), to=[assignee.email], office=True)
    return petition


@transaction.atomic
def petition_start(*, actor, petition: Petition) -> Petition:
    """The official starts working on the petition (it is assigned to them if it was not)."""
    petition = case_lock_for(actor=actor, case=petition, action="start")
    if petition.assignee_id is None and actor.agency_id == petition.agency_id:
        petition.assignee = actor
    case_transition(actor=actor, case=petition, action="start", fields=["assignee"])
    return petition


@transaction.atomic
def petition_transfer(*, actor, petition: Petition, to_agency: Agency, reason: str) -> Petition:
    """Transfer the petition to the competent agency (이송, 민원처리법 제16조): the new agency counts
    its period from its own receipt, the assignment lapses, the reason is recorded."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=REASON_MAX)
    if not isinstance(to_agency, Agency):
        raise ValidationFailed(_("Choose the agency to transfer to."), field="to_agency")
    petition = case_lock_for(actor=actor, case=petition, action="transfer")
    if to_agency.pk == petition.agency_id:
        raise ValidationFailed(_("The petition is already with this agency."), field="to_agency")
    before = petition.agency
    moved = f"{before.name_ko} → {to_agency.name_ko} ({before.name_en} → {to_agency.name_en})"
    petition.clock = deadlines.clock_transfer(
        case_ref=petition.case_ref, to_agency=to_agency, reason=reason, actor=actor
    )
    petition.agency = to_agency
    petition.assignee = None
    case_transition(
        actor=actor, case=petition, action="transfer", fields=["agency", "assignee"], note=reason,
        reason=reason, data={"source": before.code, "target": to_agency.code},
        before={"agency": before.code}, after={"agency": to_agency.code},
        notify_note=f"{moved}: {reason}",
    )  # fmt: skip
    return petition


@transaction.atomic
def petition_extend(*, actor, petition: Petition, reason: str, days: int | None = None) -> Petition:
    """Extend the processing period once, with a reason the petitioner is told by e-mail together
    with the new due date. `days` defaults to the longest the period allows (its own length)."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=REASON_MAX)
    if days is not None and (not isinstance(days, int) or days < 1):
        raise ValidationFailed(_("Give the extension in days, at least 1."), field="days")
    petition = case_lock_for(actor=actor, case=petition, action="extend")
    length = None
    if days is not None:
        length = days * 8 if petition.clock.unit == CaseClock.Unit.BUSINESS_HOURS else days
    try:
        clock = deadlines.clock_extend(case_ref=petition.case_ref, reason=reason, length=length, actor=actor)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field="days") from None
    petition.clock = clock
    due = timezone.localtime(clock.due_at)
    case_transition(
        actor=actor, case=petition, action="extend", note=reason, reason=reason,
        data={"due_at": clock.due_at.isoformat()}, after={"due_at": due},
        notify_note=f"처리기한 / New due date: {due:%Y-%m-%d %H:%M}\n사유 / Reason: {reason}",
    )  # fmt: skip
    return petition


@transaction.atomic
def petition_answer(*, actor, petition: Petition, answer: str) -> Petition:
    """Answer the petition: the clock stops; the petitioner may then rate the answer."""
    answer = require_text(answer, "answer", label=_("The answer"), max_length=ANSWER_MAX)
    petition = case_lock_for(actor=actor, case=petition, action="answer")
    clock = deadlines.clock_close(case_ref=petition.case_ref, actor=actor, reason="answered")
    petition.clock = clock
    petition.answer = answer
    petition.answered_at = clock.closed_at
    petition.answered_by = actor
    late = bool(clock.closed_late)
    case_transition(
        actor=actor, case=petition, action="answer", fields=["answer", "answered_at", "answered_by"],
        note=answer, data={"late": late}, after={"late": late},
    )  # fmt: skip
    return petition


def petition_shown(*, actor, petition: Petition) -> None:
    """An official opened `petition` (from `petition_get_for_official`), which shows what its
    petitioner wrote and how to reach them: recorded in the petitioner's "who looked at my
    data" (a business representative without a resident record has no such page)."""
    resident_id = getattr(petition.petitioner, "resident_id", None)
    if resident_id is None:
        return
    person_record_shown(
        actor=actor, subject=resident_id, what="petitions.petition", case_ref=petition.number,
        purpose=f"민원 처리 (petition {petition.number})", legal_basis=f"{LAW} 제8조 (민원의 처리)",
    )  # fmt: skip
