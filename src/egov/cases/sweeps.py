"""Reminder and escalation sweeps for every procedure that declares them, run by `egov worker`
(`cases.tasks`).

- Reminder: every watched clock of an open case, running and due within
  `EGOV_REMINDER_BUSINESS_DAYS` business days (today counts when it is one), e-mails the
  assigned official if still active, else the active registrars of the case's agency.
- Escalation: every watched clock past its due date e-mails the supervisor (the first active
  agency administrator of the agency, else of the nearest agency above it) and records an
  `escalate` step in the case's history.

Both are idempotent and safe from two workers at once: one transaction per case under a SKIP
LOCKED row lock, the condition read again under the lock, and a `CaseReminder` row unique on
(case, kind, watch, due date), so each due date is reminded and escalated once, and a new one
(an extension, a transfer, a reopening, an objection's clock) again.
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from egov.accounts.models import OfficialRole, User
from egov.cases.models import CaseReminder
from egov.cases.procedures import Procedure, Watch, procedures
from egov.cases.services import case_event_record, case_notify
from egov.core.audit import audit_record
from egov.core.deadlines.holiday_calendar import calendar_get, end_of_day, local_date
from egov.core.models import CaseClock

logger = logging.getLogger(__name__)

BATCH = 1000


def reminder_business_days() -> int:
    return max(1, int(getattr(settings, "EGOV_REMINDER_BUSINESS_DAYS", 1)))


def _pending(procedure: Procedure, watch: Watch) -> Q:
    return watch.pending if watch.pending is not None else Q(state__in=procedure.open_states)


def _candidates(procedure: Procedure, watch: Watch, kind: str, clock_conditions: dict):
    model = procedure.model_class
    already = CaseReminder.objects.filter(
        case_type=ContentType.objects.get_for_model(model),
        case_id=OuterRef("pk"),
        kind=kind,
        watch=watch.name,
        due_at=OuterRef(f"{watch.clock}__due_at"),
    )
    return model.objects.filter(
        _pending(procedure, watch),
        **{f"{watch.clock}__state": CaseClock.State.RUNNING},
        **{f"{watch.clock}__{key}": value for key, value in clock_conditions.items()},
    ).exclude(Exists(already))


def _clock(case, watch: Watch) -> CaseClock:
    value = case
    for step in watch.clock.split("__"):
        value = getattr(value, step)
    return value


def registrars_of(agency_id: int, known: dict[int, list[User]]) -> list[User]:
    """The active registrars of the agency, looked up once per agency and run (`known`)."""
    if agency_id not in known:
        known[agency_id] = list(
            User.objects.filter(agency_id=agency_id, is_active=True, roles__role="registrar")
            .order_by("pk")
            .distinct()
        )
    return known[agency_id]


def reminder_recipients(procedure: Procedure, case, known: dict[int, list[User]]) -> list[User]:
    """The assigned official if still active, else the active registrars of the case's agency."""
    if procedure.assignee_field:
        assignee = getattr(case, procedure.assignee_field)
        if assignee is not None and assignee.is_active:
            return [assignee]
    return registrars_of(getattr(case, f"{procedure.agency_field}_id"), known)


def supervisor_for(agency):
    """The first active agency administrator of `agency`, else of the nearest agency above it."""
    while agency is not None:
        role = (
            OfficialRole.objects.filter(role="agency_admin", user__agency=agency, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
            .first()
        )
        if role is not None:
            return role.user
        agency = agency.parent
    return None


def _sweep(procedure: Procedure, watch: Watch, kind: str, conditions: dict, act) -> int:
    done = 0
    order = f"{watch.clock}__due_at"
    pks = list(
        _candidates(procedure, watch, kind, conditions).order_by(order).values_list("pk", flat=True)[:BATCH]
    )
    for pk in pks:
        with transaction.atomic():
            case = (
                _candidates(procedure, watch, kind, conditions)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related(watch.clock, procedure.agency_field)
                .filter(pk=pk)
                .first()
            )
            if case is None:  # closed meanwhile, or another worker holds it
                continue
            due_at = _clock(case, watch).due_at
            reminder = act(case, due_at)
            try:
                with transaction.atomic():
                    reminder.save()
            except IntegrityError:
                transaction.set_rollback(True)
                continue  # done by another worker between our read and our write
            done += 1
    return done


def case_reminders_send(
    *, procedure: Procedure, now: dt.datetime | None = None, business_days: int | None = None
) -> int:
    """Remind the officials of every case of `procedure` due soon, once per due date; how many
    cases this run reminded."""
    now = now or timezone.now()
    last = calendar_get().nth_business_day(local_date(now), business_days or reminder_business_days())
    known: dict[int, list[User]] = {}
    done = 0
    for watch in procedure.watches:

        def remind(case, due_at, watch=watch):
            recipients = reminder_recipients(procedure, case, known)
            audit_record(
                actor=None,
                action=f"{procedure.audit_prefix}.remind",
                obj=case,
                after={
                    "due_at": due_at,
                    "recipients": len(recipients),
                    **({"watch": watch.name} if watch.name else {}),
                },
            )
            due = timezone.localtime(due_at)
            case_notify(
                case,
                f"처리기한 임박 / Due soon: {due:%Y-%m-%d %H:%M}",
                to=[u.email for u in recipients],
                office=True,
            )
            return CaseReminder(
                case_type=ContentType.objects.get_for_model(type(case)),
                case_id=case.pk,
                kind=CaseReminder.Kind.REMINDER,
                watch=watch.name,
                due_at=due_at,
                recipients=len(recipients),
            )

        done += _sweep(
            procedure,
            watch,
            CaseReminder.Kind.REMINDER,
            {"due_at__gte": now, "due_at__lte": end_of_day(last)},
            remind,
        )
    if done:
        logger.info("case reminders sent", extra={"procedure": procedure.code, "count": done})
    return done


def case_escalations_send(*, procedure: Procedure, now: dt.datetime | None = None) -> int:
    """Report every overdue case of `procedure` to its agency's supervisor, once per missed due
    date; how many were escalated by this run."""
    now = now or timezone.now()
    supervisors: dict[int, object] = {}
    done = 0
    for watch in procedure.watches:

        def escalate(case, due_at, watch=watch):
            agency = getattr(case, procedure.agency_field)
            if agency.pk not in supervisors:
                supervisors[agency.pk] = supervisor_for(agency)
            supervisor = supervisors[agency.pk]
            case_event_record(
                actor=None, case=case, action="escalate", supervisor=getattr(supervisor, "pk", None)
            )
            audit_record(
                actor=None,
                action=f"{procedure.audit_prefix}.escalate",
                obj=case,
                after={"due_at": due_at, "supervisor": getattr(supervisor, "pk", None)},
            )
            if supervisor is not None:
                due = timezone.localtime(due_at)
                case_notify(
                    case,
                    f"처리기한 경과 / Overdue since {due:%Y-%m-%d %H:%M}",
                    to=[supervisor.email],
                    office=True,
                )
            return CaseReminder(
                case_type=ContentType.objects.get_for_model(type(case)),
                case_id=case.pk,
                kind=CaseReminder.Kind.ESCALATION,
                watch=watch.name,
                due_at=due_at,
                agency=supervisor.agency if supervisor else agency,
                supervisor=supervisor,
            )

        done += _sweep(procedure, watch, CaseReminder.Kind.ESCALATION, {"due_at__lt": now}, escalate)
    if done:
        logger.info("cases escalated", extra={"procedure": procedure.code, "count": done})
    return done


def cases_remind_due(*, now: dt.datetime | None = None) -> int:
    """The reminder sweep over every procedure that declares reminders."""
    return sum(case_reminders_send(procedure=p, now=now) for p in procedures() if p.reminders)


def cases_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """The escalation sweep over every procedure that declares escalations."""
    return sum(case_escalations_send(procedure=p, now=now) for p in procedures() if p.escalations)
