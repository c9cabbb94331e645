"""What the kernel does to a case for its procedure: numbers, the checked state machine, the
history with its audit event, attachments, and e-mails after commit.

A procedure's service calls these inside its own transaction:

    case = case_lock_for(actor=actor, case=petition, action="answer")   # locked, may act
    ... the procedure's own rules and fields ...
    case_transition(actor=actor, case=case, action="answer", fields=["answer", ...],
                    note=..., after={...})                              # state, history, audit, mail

Refusals are the platform's `ServiceError`s: NotFound for a case the actor may not see (so its
number reveals nothing), PermissionDenied for a role that may not act, Conflict (code `closed`,
or `wrong_state`) for a transition the case's state does not allow.
"""

import contextlib
import contextvars
import datetime as dt
import logging
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids, has_role
from egov.cases.models import CaseAttachment, CaseEvent, CaseNumberCounter
from egov.cases.procedures import APPLICANT, OFFICIAL, SYSTEM, Procedure, procedure_of
from egov.core import files as core_files
from egov.core.audit import audit_many, audit_record, refusal_log
from egov.core.errors import Conflict, NotFound, PermissionDenied
from egov.core.notifications import notification_send, notifications_enabled

logger = logging.getLogger(__name__)


# --- numbers ----------------------------------------------------------------------------------


def case_number_allocate(
    *, procedure: Procedure, at: dt.datetime | None = None, sequenced: bool = True
) -> str:
    """The next number of `procedure` for the year of `at` (Seoul; default now), without gaps.

    The year's counter row stays locked until the caller's transaction ends, so a case that is
    rolled back gives its number back; call this as late as the case allows (after any slow
    work), since filings of one procedure wait for each other only while it is held. A number
    already taken by a case filed before the kernel (random numbers of the old format) is
    stepped over.

    `sequenced=False` gives a random serial of the same shape instead, taken without any lock:
    for a case created on a hot path where a lock held to the commit would queue every filing
    of the country behind one row (an instant certificate, whose own document number is the
    register that counts), and where a gap harms nobody. Its serials always start with a digit
    other than 0, the sequenced ones (below 10^(digits-1) a year) with a 0, so the two never
    meet and the sequence stays without gaps.
    """
    if not sequenced:
        return _number_unsequenced(procedure, at)
    day = timezone.localdate(at) if at is not None else timezone.localdate()
    counter = _counter_locked(procedure=procedure, scope="", year=day.year, caller="case_number_allocate")
    model = procedure.model_class
    while True:
        counter.last += 1
        if counter.last >= 10 ** (procedure.number.digits - 1):
            raise RuntimeError(f"{procedure.code}: the year's sequenced numbers are used up")
        number = procedure.number.format(day, counter.last)
        if not model.objects.filter(number=number).exists():
            break
    counter.save(update_fields=["last"])
    return number


def _counter_locked(*, procedure: Procedure, scope: str, year: int, caller: str) -> CaseNumberCounter:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{caller} runs inside the transaction that creates the case")
    rows = CaseNumberCounter.objects.select_for_update()
    counter = rows.filter(procedure=procedure.code, scope=scope, year=year).first()
    if counter is None:
        CaseNumberCounter.objects.bulk_create(
            [CaseNumberCounter(procedure=procedure.code, scope=scope, year=year)], ignore_conflicts=True
        )
        counter = rows.get(procedure=procedure.code, scope=scope, year=year)
    return counter


def case_serial_allocate(*, procedure: Procedure, scope: str, at: dt.datetime | None = None) -> int:
    """The next serial of a further register `procedure` keeps under `scope` (a department's
    registration numbers, say) for the year of `at` (Seoul; default now), from 1 without gaps:
    like `case_number_allocate`, the counter row stays locked until the caller's transaction
    ends, so a rollback gives the serial back, and only callers of the same scope wait."""
    if not scope or len(scope) > 64:
        raise ValueError("a register's scope is a non-empty name of up to 64 characters")
    day = timezone.localdate(at) if at is not None else timezone.localdate()
    counter = _counter_locked(procedure=procedure, scope=scope, year=day.year, caller="case_serial_allocate")
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def case_numbers_unsequenced(*, procedure: Procedure, count: int, at: dt.datetime | None = None) -> list[str]:
    """`count` distinct numbers as `case_number_allocate(sequenced=False)` gives them, checked
    against the cases filed in one query (and again for any that collide): for a batch of
    cases created at once, as a document delivered to fifty agencies opens fifty receipts."""
    day = timezone.localdate(at) if at is not None else timezone.localdate()
    low = 10 ** (procedure.number.digits - 1)
    numbers: set[str] = set()
    while len(numbers) < count:
        wanted = {
            procedure.number.format(day, low + secrets.randbelow(9 * low))
            for _ in range(count - len(numbers))
        }
        taken = set(procedure.model_class.objects.filter(number__in=wanted).values_list("number", flat=True))
        numbers |= wanted - taken
    return sorted(numbers)[:count]


def _number_unsequenced(procedure: Procedure, at: dt.datetime | None) -> str:
    day = timezone.localdate(at) if at is not None else timezone.localdate()
    model = procedure.model_class
    while True:
        low = 10 ** (procedure.number.digits - 1)
        number = procedure.number.format(day, low + secrets.randbelow(9 * low))
        if not model.objects.filter(number=number).exists():
            return number


# --- who may act ------------------------------------------------------------------------------


def case_refused(actor, case_or_procedure, what: str, **ids) -> None:
    """Log a refused attempt for the security team (ids only, never personal data)."""
    procedure = (
        case_or_procedure if isinstance(case_or_procedure, Procedure) else procedure_of(case_or_procedure)
    )
    refusal_log(logger, procedure.code, actor, what, **ids)


def _not_found(procedure: Procedure) -> NotFound:
    return NotFound(_("No such %(case)s.") % {"case": str(procedure.label).lower()}, field="number")


def case_may_take(actor, case: models.Model, action: str) -> bool:
    """Whether `actor` may take `action` on `case` as it is now (for showing buttons; the
    service checks again under the lock)."""
    try:
        _check_actor(actor, case, procedure_of(case), action, log=False)
        _check_state(case, procedure_of(case), action)
    except (NotFound, PermissionDenied, Conflict):
        return False
    return True


def _check_actor(actor, case, procedure: Procedure, action: str, *, log: bool = True) -> None:
    transition = procedure.transition(action)
    if transition.by == SYSTEM:
        if actor is not None:
            raise PermissionDenied(_("Only the platform takes this step."))
        return
    if transition.by == APPLICANT:
        if getattr(case, f"{procedure.applicant_field}_id") != getattr(actor, "pk", None):
            if log:
                case_refused(actor, procedure, f"{action} on a case of someone else", case_id=case.pk)
            raise _not_found(procedure)
        return
    if not getattr(actor, "is_official", False):
        raise PermissionDenied(_("Only officials take this step."))
    if getattr(case, f"{procedure.agency_field}_id") not in agency_scope_ids(actor):
        if log:
            case_refused(actor, procedure, f"{action} on a case of another agency", case_id=case.pk)
        raise _not_found(procedure)
    if not any(has_role(actor, role) for role in transition.roles):
        raise PermissionDenied(_("This step needs another role."))


def _check_state(case, procedure: Procedure, action: str) -> None:
    transition = procedure.transition(action)
    if case.state in transition.sources:
        return
    label = procedure.state_label(case.state)
    if not procedure.is_open(case.state):
        raise Conflict(
            _("The case is %(state)s; this cannot be done now.") % {"state": label},
            field=procedure.code.split(".")[-1],
            code="closed",
        )
    raise Conflict(
        _("The case is %(state)s; this cannot be done now.") % {"state": label},
        field=procedure.code.split(".")[-1],
        code="wrong_state",
    )


def case_lock_for(*, actor, case: models.Model, action: str, check_state: bool = True) -> models.Model:
    """The case read again under a row lock, after checking that `actor` may take `action` on it
    as it is now (its agency, its state as of the lock). NotFound when the actor may not see
    it; PermissionDenied for a missing role; Conflict when the state does not allow it (unless
    `check_state` is False: a procedure that words that refusal itself checks it after)."""
    procedure = procedure_of(case)
    if procedure.transition(action).by == OFFICIAL and not getattr(actor, "is_official", False):
        raise PermissionDenied(_("Only officials take this step."))
    locked = type(case).objects.select_for_update(of=("self",)).get(pk=case.pk)
    _check_actor(actor, locked, procedure, action)
    if check_state:
        _check_state(locked, procedure, action)
    return locked


# --- history ----------------------------------------------------------------------------------


def case_event_record(
    *, actor, case: models.Model, action: str, note: str = "", at: dt.datetime | None = None, **data
) -> CaseEvent:
    """Append a step to the case's history as it stands now (its current state), at `at`
    (default now: a filing received earlier, as the seed and imports make, passes its receipt)."""
    return CaseEvent.objects.create(
        at=at or timezone.now(),
        case_type=ContentType.objects.get_for_model(type(case)),
        case_id=case.pk,
        actor=actor if getattr(actor, "pk", None) else None,
        state=case.state,
        action=action,
        note=note,
        data=data,
    )


def case_opened_many(
    *,
    actor,
    cases: list[models.Model],
    action: str,
    data: list[dict],
    after: list[dict],
    at: dt.datetime | None = None,
) -> None:
    """Record that `cases` of one procedure, just created in the state `action` opens them in
    (a transition without sources), were opened: each case's history event and audit event,
    as `case_transition(..., notify=False)` writes them, in two statements for the batch."""
    if not cases:
        return
    procedure = procedure_of(cases[0])
    transition = procedure.transition(action)
    if transition.sources or any(case.state != transition.target for case in cases):
        raise ValueError(f"{procedure.code}.{action} does not open cases in their current state")
    at = at or timezone.now()
    case_type = ContentType.objects.get_for_model(type(cases[0]))
    actor_or_none = actor if getattr(actor, "pk", None) else None
    CaseEvent.objects.bulk_create(
        CaseEvent(at=at, case_type=case_type, case_id=case.pk, actor=actor_or_none, state=case.state,
                  action=action, data=values)
        for case, values in zip(cases, data, strict=True)
    )  # fmt: skip
    audit_many(
        actor=actor,
        action=f"{procedure.audit_prefix}.{action}",
        objects=cases,
        before=[{"state": None}] * len(cases),
        after=[{"state": case.state, **values} for case, values in zip(cases, after, strict=True)],
        legal_basis=transition.legal_basis,
    )


def case_transition(
    *,
    actor,
    case: models.Model,
    action: str,
    fields: tuple[str, ...] | list[str] = (),
    note: str = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    legal_basis: str | None = None,
    notify: bool = True,
    notify_note: str | None = None,
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Take the declared `action` on the locked `case`: its state moves to the transition's
    target and is saved with `fields`, a history event and an audit event (the transition's
    legal basis unless `legal_basis` is given) are written, and the applicant is told by e-mail
    once the transaction commits (`notify`)."""
    procedure = procedure_of(case)
    transition = procedure.transition(action)
    old_state = case.state
    if transition.target is not None:
        case.state = transition.target
    update = list(dict.fromkeys([*(["state"] if transition.target is not None else []), *fields]))
    if update:
        case.save(update_fields=update)
    event = case_event_record(actor=actor, case=case, action=action, note=note, at=at, **(data or {}))
    audit_record(
        actor=actor,
        action=f"{procedure.audit_prefix}.{action}",
        obj=case,
        before={"state": old_state, **(before or {})},
        after={"state": case.state, **(after or {})},
        reason=reason,
        legal_basis=transition.legal_basis if legal_basis is None else legal_basis,
    )
    if notify:
        case_notify(case, note if notify_note is None else notify_note, key=f"case-event:{event.pk}")
    return event


# --- attachments ------------------------------------------------------------------------------


_WRITTEN: contextvars.ContextVar[list | None] = contextvars.ContextVar("case_files_written", default=None)


@contextlib.contextmanager
def case_files_atomic():
    """A transaction in which `case_files_store` may write files: when it fails, the files it
    wrote are removed again, so a rollback leaves nothing behind."""
    written: list[tuple[str, str]] = []
    token = _WRITTEN.set(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for storage_name, folder in written:
            core_files.file_delete(storage_name, folder=folder)
        raise
    finally:
        _WRITTEN.reset(token)


def case_files_store(
    *, actor, case: models.Model, files: list[core_files.CheckedFile], purpose: str
) -> list[CaseAttachment]:
    """Keep files already checked by content (`core.files.files_check`) with the case, under the
    procedure's folder by random names. Runs inside `case_files_atomic`."""
    written = _WRITTEN.get()
    if written is None:
        raise RuntimeError("case_files_store runs inside case_files_atomic()")
    procedure = procedure_of(case)
    folder = procedure.attachment_folder
    if not folder:
        raise RuntimeError(f"{procedure.code} declares no attachment folder")
    case_type = ContentType.objects.get_for_model(type(case))
    stored = []
    for checked in files:
        storage_name = core_files.file_write(checked.content, folder=folder)
        written.append((storage_name, folder))
        stored.append(
            CaseAttachment.objects.create(
                case_type=case_type,
                case_id=case.pk,
                purpose=purpose,
                original_name=checked.name,
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=checked.sha256,
                storage_name=storage_name,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    return stored


def _attachment_folder(attachment: CaseAttachment) -> str:
    return procedure_of(attachment.case_type.model_class()).attachment_folder


def case_file_open(attachment: CaseAttachment):
    """The attachment's bytes, open for reading (the caller has checked who may read them);
    FileNotFoundError when the store has lost them."""
    return core_files.file_open(attachment.storage_name, folder=_attachment_folder(attachment))


def case_file_read(attachment: CaseAttachment) -> bytes:
    """The attachment's bytes (the caller has checked who may read them)."""
    return core_files.file_read(attachment.storage_name, folder=_attachment_folder(attachment))


def case_file_delete(attachment: CaseAttachment) -> None:
    """Remove the attachment's bytes from the store (the row is the caller's); nothing if gone."""
    core_files.file_delete(attachment.storage_name, folder=_attachment_folder(attachment))


def case_file_path(attachment: CaseAttachment):
    """Where the attachment's bytes are on the filesystem store (tests and operators only)."""
    return core_files.file_path(attachment.storage_name, folder=_attachment_folder(attachment))


# --- notifications ----------------------------------------------------------------------------


def case_notify(
    case: models.Model,
    note: str = "",
    *,
    to: list[str] | None = None,
    office: bool = False,
    key: str | None = None,
) -> None:
    """Tell the applicant of the case's state: a notification in their inbox now, its e-mail
    and text message after commit (`core.notifications`, idempotent by `key`, default one per
    call). With `office`, e-mail the officials `to` instead (reminders, assignments); a mail
    server outage is logged and never undoes the change."""
    if not notifications_enabled():
        return
    procedure = procedure_of(case)
    state, number = case.state, case.number
    title = getattr(case, procedure.title_field) if procedure.title_field else ""
    with translation.override("ko"):
        state_ko = procedure.state_label(state)
    with translation.override("en"):
        state_en = procedure.state_label(state)
    subject = f"[egov] {procedure.mail_subject} {number}: {state_ko} / {state_en}"
    path = f"/{'office' if office else 'my'}/{procedure.url_path}/{number}/"
    body = "\n".join(
        line
        for line in (
            title,
            f"{procedure.number_label}: {number}",
            f"상태 / Status: {state_ko} / {state_en}",
            note,
            f"{settings.EGOV_PUBLIC_URL}{path}",
        )
        if line
    )
    if to is None:
        applicant = getattr(case, procedure.applicant_field)
        notification_send(
            user=applicant,
            key=key or f"case:{procedure.code}:{case.pk}:{state}:{secrets.token_hex(6)}",
            topic="case",
            title_ko=f"{procedure.mail_subject} {number}: {state_ko}",
            title_en=f"{number}: {state_en}",
            body="\n".join(line for line in (title, note) if line),
            link=path,
            mail_subject=subject,
            mail_body=body,
        )
        return
    recipients = [address for address in to if address]
    if not recipients:
        return

    def send() -> None:
        try:
            send_mail(subject, body, None, recipients)
        except Exception:  # noqa: BLE001 - a mail server outage must not undo the change
            logger.exception("case mail not sent", extra={"procedure": procedure.code, "case_id": case.pk})

    transaction.on_commit(send)
