"""Petitions (e-People): filing, assignment, transfer, extension, answer, rating, reopening.

Every state change is one transaction: the petition's state, a history row (`PetitionEvent`),
the deadline clock (`core.deadlines`: started on filing, restarted at the competent agency on a
transfer, extended once, closed on the answer; a new clock on reopening), an audit event, and
an e-mail to the petitioner after commit.

Who may act: the petitioner on their own petition (rate, reopen, withdraw); officials of the
competent agency, or of an agency above it, holding the registrar or agency-administrator role
(assign, start, transfer, extend, answer). To anyone else the petition does not exist
(NotFound), so its number reveals nothing.
"""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.accounts.permissions import agency_scope_ids, has_role
from egov.core import deadlines
from egov.core.audit import audit_record, refusal_log
from egov.core.checks import require_text
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import CaseClock
from egov.petitions import files
from egov.petitions.models import Attachment, Category, Petition, PetitionEvent
from egov.petitions.periods import GRIEVANCE, PROPOSAL
from egov.registry.models import Agency

logger = logging.getLogger(__name__)

TITLE_MAX = 200
BODY_MAX = 4000
ANSWER_MAX = 8000
REASON_MAX = 1000
MAX_REOPENS = 1
ACT_ROLES = ("registrar", "agency_admin")
SATISFIED = 3  # a rating of 3 or more closes the petition; 1–2 leaves it open to reopening


def reopen_days() -> int:
    """The days after the answer during which an unsatisfied petitioner may reopen."""
    return settings.EGOV_PETITION_REOPEN_DAYS


# --- helpers ----------------------------------------------------------------------------------


def _refused(actor, what: str, **ids) -> None:
    refusal_log(logger, "petition", actor, what, **ids)


def _number() -> str:
    while True:
        number = f"1AA-{timezone.localdate():%y%m}-{secrets.randbelow(10**7):07d}"
        if not Petition.objects.filter(number=number).exists():
            return number


def _event(petition: Petition, *, actor, action: str, note: str = "", **data) -> None:
    PetitionEvent.objects.create(
        petition=petition,
        actor=actor if getattr(actor, "pk", None) else None,
        state=petition.state,
        action=action,
        note=note,
        data=data,
    )


def _mail_after_commit(
    petition: Petition, note: str = "", *, to: list[str] | None = None, office: bool = False
) -> None:
    """Tell the petitioner (or the officials `to`, with `office`) of the petition's new state once
    the change is committed."""
    recipients = to if to is not None else [petition.petitioner.email]
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    state = petition.state

    def send():
        with translation.override("ko"):
            state_ko = str(Petition.State(state).label)
        with translation.override("en"):
            state_en = str(Petition.State(state).label)
        subject = f"[egov] 민원 {petition.number}: {state_ko} / {state_en}"
        body = "\n".join(
            line
            for line in (
                petition.title,
                f"민원번호 / Petition: {petition.number}",
                f"상태 / Status: {state_ko} / {state_en}",
                note,
                f"{settings.EGOV_PUBLIC_URL}/{'office' if office else 'my'}/petitions/{petition.number}/",
            )
            if line
        )
        try:
            send_mail(subject, body, None, recipients)
        except Exception:  # noqa: BLE001 - a mail server outage must not undo the change
            logger.exception("petition mail not sent", extra={"petition": petition.pk})

    transaction.on_commit(send)


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


def _for_official(actor, petition: Petition) -> Petition:
    """The petition locked for an official who may act on it; NotFound outside their agencies."""
    if not getattr(actor, "is_official", False):
        raise PermissionDenied(_("Only officials act on petitions."))
    locked = Petition.objects.select_for_update().get(pk=petition.pk)  # the agency as of now
    if locked.agency_id not in agency_scope_ids(actor):
        _refused(actor, "petition of another agency", petition_id=petition.pk)
        raise NotFound(_("No such petition."), field="petition")
    if not any(has_role(actor, role) for role in ACT_ROLES):
        raise PermissionDenied(_("Acting on petitions needs the registrar or agency administrator role."))
    return locked


def _for_petitioner(actor, petition: Petition) -> Petition:
    if petition.petitioner_id != getattr(actor, "pk", None):
        _refused(actor, "petition of someone else", petition_id=petition.pk)
        raise NotFound(_("No such petition."), field="petition")
    return Petition.objects.select_for_update().get(pk=petition.pk)


def _require_open(petition: Petition) -> None:
    if not petition.is_open:
        raise Conflict(
            _("The petition is %(state)s; this cannot be done now.")
            % {"state": petition.get_state_display()},
            field="petition",
            code="closed",
        )


def _save(petition: Petition, *fields: str) -> None:
    petition.save(update_fields=["state", *fields])


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
    history and imports; a future moment is refused). Attachments are checked by content (PDF,
    PNG, JPEG) and size before anything is written; if anything fails, nothing is kept.

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
    checked = files.attachments_check(attachments)
    written: list[str] = []
    try:
        with transaction.atomic():
            number = _number()
            now = received_at or timezone.now()
            clock = deadlines.clock_start(
                case_type=period, case_ref=Petition(number=number).case_ref, agency=category.agency,
                received_at=now, actor=actor,
            )  # fmt: skip
            petition = Petition.objects.create(
                number=number, kind=kind, category=category, title=title, body=body, petitioner=actor,
                agency=category.agency, submitted_at=now, clock=clock, idempotency_key=key,
            )  # fmt: skip
            for item in checked:
                storage_name = files.file_write(item.content)
                written.append(storage_name)
                Attachment.objects.create(
                    petition=petition, original_name=item.name, content_type=item.content_type,
                    size=len(item.content), sha256=item.sha256, storage_name=storage_name,
                )  # fmt: skip
            _event(petition, actor=actor, action="file", agency=category.agency.code)
            audit_record(
                actor=actor,
                action="petition.file",
                obj=petition,
                after={"kind": kind, "category": category.code, "agency": category.agency.code,
                       "attachments": len(checked)},
            )  # fmt: skip
            _mail_after_commit(petition)
    except BaseException as exc:
        for storage_name in written:
            files.file_delete(storage_name)
        if key is not None and isinstance(exc, IntegrityError):
            existing = Petition.objects.filter(petitioner=actor, idempotency_key=key).first()
            if existing is not None:  # the same form, filed at the same moment by another request
                return existing
        raise
    return petition


def _idempotency(key) -> str:
    key = str(key or "").strip()
    if not (8 <= len(key) <= 64) or not key.replace("-", "").isalnum():
        raise ValidationFailed(_("The form expired; open it again."), field="idempotency_key")
    return key


@transaction.atomic
def petition_rate(*, actor, petition: Petition, satisfaction: int, comment: str = "") -> Petition:
    """The petitioner rates the answer from 1 (very unsatisfied) to 5. From 3 the petition closes;
    below, it stays answered and may be reopened within the window."""
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
    petition = _for_petitioner(actor, petition)
    if petition.state != Petition.State.ANSWERED or petition.satisfaction is not None:
        raise Conflict(_("Only a new answer can be rated."), field="petition", code="closed")
    petition.satisfaction = satisfaction
    petition.rated_at = timezone.now()
    if satisfaction >= SATISFIED:
        petition.state = Petition.State.CLOSED
    _save(petition, "satisfaction", "rated_at")
    _event(petition, actor=actor, action="rate", note=comment, satisfaction=satisfaction)
    audit_record(actor=actor, action="petition.rate", obj=petition, after={"satisfaction": satisfaction})
    return petition


@transaction.atomic
def petition_reopen(*, actor, petition: Petition, reason: str) -> Petition:
    """An unsatisfied petitioner reopens the answered petition within `reopen_days()` of the
    answer, once: the agency answers again on a new clock with the full statutory period."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=REASON_MAX)
    petition = _for_petitioner(actor, petition)
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
    petition.state = Petition.State.REOPENED
    petition.answer, petition.answered_at, petition.answered_by = "", None, None
    petition.satisfaction, petition.rated_at = None, None
    _save(
        petition, "reopen_count", "clock", "answer", "answered_at", "answered_by", "satisfaction", "rated_at"
    )
    _event(petition, actor=actor, action="reopen", note=reason)
    audit_record(actor=actor, action="petition.reopen", obj=petition, reason=reason)
    _mail_after_commit(petition, reason)
    return petition


@transaction.atomic
def petition_withdraw(*, actor, petition: Petition, reason: str = "") -> Petition:
    """The petitioner withdraws an open petition: it closes, its clock stops."""
    reason = (reason or "").strip()[:REASON_MAX]
    petition = _for_petitioner(actor, petition)
    _require_open(petition)
    deadlines.clock_close(case_ref=petition.case_ref, actor=actor, reason=reason or "withdrawn")
    petition.state = Petition.State.CLOSED
    _save(petition)
    _event(petition, actor=actor, action="withdraw", note=reason)
    audit_record(actor=actor, action="petition.withdraw", obj=petition, reason=reason)
    _mail_after_commit(petition, reason)
    return petition


# --- officials --------------------------------------------------------------------------------


@transaction.atomic
def petition_assign(*, actor, petition: Petition, assignee: User, note: str = "") -> Petition:
    """Assign (or reassign) the petition to an official of its competent agency."""
    note = (note or "").strip()[:REASON_MAX]
    petition = _for_official(actor, petition)
    _require_open(petition)
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
    if petition.state in (Petition.State.RECEIVED, Petition.State.TRANSFERRED, Petition.State.REOPENED):
        petition.state = Petition.State.ASSIGNED
    _save(petition, "assignee")
    _event(petition, actor=actor, action="reassign" if before else "assign", note=note, assignee=assignee.pk)
    audit_record(
        actor=actor, action="petition.assign", obj=petition, before={"assignee": before},
        after={"assignee": assignee.pk}, reason=note,
    )  # fmt: skip
    _mail_after_commit(petition, _("Assigned to you."), to=[assignee.email], office=True)
    return petition


@transaction.atomic
def petition_start(*, actor, petition: Petition) -> Petition:
    """The official starts working on the petition (it is assigned to them if it was not)."""
    petition = _for_official(actor, petition)
    _require_open(petition)
    if petition.state == Petition.State.IN_PROGRESS:
        raise Conflict(_("The petition is already in progress."), field="petition", code="state")
    if petition.assignee_id is None and actor.agency_id == petition.agency_id:
        petition.assignee = actor
    petition.state = Petition.State.IN_PROGRESS
    _save(petition, "assignee")
    _event(petition, actor=actor, action="start")
    audit_record(actor=actor, action="petition.start", obj=petition)
    _mail_after_commit(petition)
    return petition


@transaction.atomic
def petition_transfer(*, actor, petition: Petition, to_agency: Agency, reason: str) -> Petition:
    """Transfer the petition to the competent agency (이송, 민원처리법 제16조): the new agency counts
    its period from its own receipt, the assignment lapses, the reason is recorded."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=REASON_MAX)
    if not isinstance(to_agency, Agency):
        raise ValidationFailed(_("Choose the agency to transfer to."), field="to_agency")
    petition = _for_official(actor, petition)
    _require_open(petition)
    if to_agency.pk == petition.agency_id:
        raise ValidationFailed(_("The petition is already with this agency."), field="to_agency")
    before = petition.agency
    petition.clock = deadlines.clock_transfer(
        case_ref=petition.case_ref, to_agency=to_agency, reason=reason, actor=actor
    )
    petition.agency = to_agency
    petition.assignee = None
    petition.state = Petition.State.TRANSFERRED
    _save(petition, "agency", "assignee")
    _event(petition, actor=actor, action="transfer", note=reason, source=before.code, target=to_agency.code)
    audit_record(
        actor=actor, action="petition.transfer", obj=petition, before={"agency": before.code},
        after={"agency": to_agency.code}, reason=reason,
    )  # fmt: skip
    _mail_after_commit(
        petition, f"{before.name_ko} → {to_agency.name_ko} ({before.name_en} → {to_agency.name_en}): {reason}"
    )
    return petition


@transaction.atomic
def petition_extend(*, actor, petition: Petition, reason: str, days: int | None = None) -> Petition:
    """Extend the processing period once, with a reason the petitioner is told by e-mail together
    with the new due date. `days` defaults to the longest the period allows (its own length)."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=REASON_MAX)
    if days is not None and (not isinstance(days, int) or days < 1):
        raise ValidationFailed(_("Give the extension in days, at least 1."), field="days")
    petition = _for_official(actor, petition)
    _require_open(petition)
    length = None
    if days is not None:
        length = days * 8 if petition.clock.unit == CaseClock.Unit.BUSINESS_HOURS else days
    try:
        clock = deadlines.clock_extend(case_ref=petition.case_ref, reason=reason, length=length, actor=actor)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field="days") from None
    petition.clock = clock
    petition.state = Petition.State.EXTENDED
    _save(petition)
    due = timezone.localtime(clock.due_at)
    _event(petition, actor=actor, action="extend", note=reason, due_at=clock.due_at.isoformat())
    audit_record(actor=actor, action="petition.extend", obj=petition, reason=reason, after={"due_at": due})
    _mail_after_commit(petition, f"처리기한 / New due date: {due:%Y-%m-%d %H:%M}\n사유 / Reason: {reason}")
    return petition


@transaction.atomic
def petition_answer(*, actor, petition: Petition, answer: str) -> Petition:
    """Answer the petition: the clock stops; the petitioner may then rate the answer."""
    answer = require_text(answer, "answer", label=_("The answer"), max_length=ANSWER_MAX)
    petition = _for_official(actor, petition)
    _require_open(petition)
    clock = deadlines.clock_close(case_ref=petition.case_ref, actor=actor, reason="answered")
    petition.clock = clock
    petition.answer = answer
    petition.answered_at = clock.closed_at
    petition.answered_by = actor
    petition.state = Petition.State.ANSWERED
    _save(petition, "answer", "answered_at", "answered_by")
    _event(petition, actor=actor, action="answer", note=answer, late=bool(clock.closed_late))
    audit_record(actor=actor, action="petition.answer", obj=petition, after={"late": bool(clock.closed_late)})
    _mail_after_commit(petition, answer)
    return petition
