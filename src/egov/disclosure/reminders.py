"""Reminders to officials before a disclosure deadline: the decision on a request (10 business
days, 20 after the extension) and the decision on an objection (7, 14 after its extension).

`disclosure_remind_due` is the background job's body (`disclosure.tasks.remind_due`, enqueued
by `egov worker`). Requests have no assignee: it e-mails the active registrars of the agency the
request was made to, when the due date is within `EGOV_REMINDER_BUSINESS_DAYS` business days
(today counts when it is one), as petitions do. Like the deemed-refusal sweep it is idempotent
and safe from two workers at once: one transaction per request under a SKIP LOCKED row lock, the
condition checked again under the lock, and a `Reminder` row unique on (request, due_at), so
each due date is reminded once and a new one (extension, objection) again.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from egov.accounts.models import User
from egov.core.audit import audit_record
from egov.core.deadlines.holiday_calendar import calendar_get, end_of_day, local_date
from egov.core.models import CaseClock
from egov.disclosure.models import DisclosureRequest, Objection, Reminder
from egov.disclosure.services import mail_after_commit
from egov.petitions.reminders import reminder_business_days

logger = logging.getLogger(__name__)

BATCH = 1000


def _due_soon(now: dt.datetime, business_days: int, clock: str):
    """Requests whose `clock` ("clock" for the decision, "objection__clock" for a pending
    objection) runs and is due between now and the end of the n-th business day, not yet reminded
    of that due date."""
    last = calendar_get().nth_business_day(local_date(now), business_days)
    if clock == "clock":
        pending = Q(state__in=DisclosureRequest.OPEN_STATES)
    else:
        pending = Q(objection__isnull=False) & ~Q(objection__state=Objection.State.DECIDED)
    already = Reminder.objects.filter(request=OuterRef("pk"), due_at=OuterRef(f"{clock}__due_at"))
    return DisclosureRequest.objects.filter(
        pending,
        **{
            f"{clock}__state": CaseClock.State.RUNNING,
            f"{clock}__due_at__gte": now,
            f"{clock}__due_at__lte": end_of_day(last),
        },
    ).exclude(Exists(already))


def registrars_of(agency_id: int, known: dict[int, list[User]]) -> list[User]:
    """The active registrars of the agency, looked up once per agency and run (`known`)."""
    if agency_id not in known:
        known[agency_id] = list(
            User.objects.filter(agency_id=agency_id, is_active=True, roles__role="registrar")
            .order_by("pk")
            .distinct()
        )
    return known[agency_id]


def _remind(pk: int, now: dt.datetime, business_days: int, clock: str, known: dict) -> bool:
    with transaction.atomic():
        request = (
            _due_soon(now, business_days, clock)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("clock", "objection__clock")
            .filter(pk=pk)
            .first()
        )
        if request is None:  # decided meanwhile, or another worker holds it
            return False
        due_at = request.clock.due_at if clock == "clock" else request.objection.clock.due_at
        recipients = registrars_of(request.agency_id, known)
        try:
            with transaction.atomic():
                Reminder.objects.create(request=request, due_at=due_at, recipients=len(recipients))
        except IntegrityError:
            return False  # reminded by another worker between our read and our write
        what = "decision" if clock == "clock" else "objection"
        audit_record(
            actor=None,
            action="disclosure.remind",
            obj=request,
            after={"due_at": due_at, "deadline": what, "recipients": len(recipients)},
        )
        due = timezone.localtime(due_at)
        label = "결정 / Decision" if clock == "clock" else "이의신청 결정 / Objection decision"
        mail_after_commit(
            request,
            f"처리기한 임박 / Due soon ({label}): {due:%Y-%m-%d %H:%M}",
            to=[user.email for user in recipients],
            office=True,
        )
        return True


def disclosure_remind_due(*, now: dt.datetime | None = None, business_days: int | None = None) -> int:
    """Remind the agency's registrars of every open request, and every pending objection, due
    within `business_days` (default `EGOV_REMINDER_BUSINESS_DAYS`) business days, once per
    (request, due date); return how many reminders this run made."""
    now = now or timezone.now()
    business_days = business_days or reminder_business_days()
    known: dict[int, list[User]] = {}
    done = 0
    for clock in ("clock", "objection__clock"):
        candidates = _due_soon(now, business_days, clock).order_by(f"{clock}__due_at")
        for pk in list(candidates.values_list("pk", flat=True)[:BATCH]):
            done += _remind(pk, now, business_days, clock, known)
    if done:
        logger.info("disclosure reminders sent", extra={"count": done})
    return done
