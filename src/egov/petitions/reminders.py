"""Reminders to officials before a petition's due date (issue 6, item 6).

`petitions_remind_due` is the background job's body (`petitions.tasks.remind_due`, enqueued by
`egov worker`). It e-mails the assigned official of every open petition due within
`EGOV_REMINDER_BUSINESS_DAYS` business days (today counts when it is one), or the registrars of
the competent agency when nobody is assigned. Like the escalation sweep it is idempotent and
safe from two workers at once: one transaction per petition under a SKIP LOCKED row lock, and a
`Reminder` row unique on (petition, due_at), so each due date is reminded once.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from egov.accounts.models import User
from egov.core.audit import audit_record
from egov.core.deadlines.holiday_calendar import calendar_get, end_of_day, local_date
from egov.core.models import CaseClock
from egov.petitions.models import Petition, Reminder
from egov.petitions.services import _mail_after_commit

logger = logging.getLogger(__name__)

BATCH = 1000


def reminder_business_days() -> int:
    return max(1, int(getattr(settings, "EGOV_REMINDER_BUSINESS_DAYS", 1)))


def _due_soon(now: dt.datetime, business_days: int):
    last = calendar_get().nth_business_day(local_date(now), business_days)
    already = Reminder.objects.filter(petition=OuterRef("pk"), due_at=OuterRef("clock__due_at"))
    return Petition.objects.filter(
        state__in=Petition.OPEN_STATES,
        clock__state=CaseClock.State.RUNNING,
        clock__due_at__gte=now,
        clock__due_at__lte=end_of_day(last),
    ).exclude(Exists(already))


def reminder_recipients(petition: Petition, registrars: dict | None = None) -> list[User]:
    """The assigned official if still active, else the active registrars of the competent agency
    (looked up once per agency when the caller passes a `registrars` dict to remember them)."""
    if petition.assignee_id is not None and petition.assignee.is_active:
        return [petition.assignee]
    if registrars is not None and petition.agency_id in registrars:
        return registrars[petition.agency_id]
    found = list(
        User.objects.filter(agency_id=petition.agency_id, is_active=True, roles__role="registrar")
        .order_by("pk")
        .distinct()
    )
    if registrars is not None:
        registrars[petition.agency_id] = found
    return found


def petitions_remind_due(*, now: dt.datetime | None = None, business_days: int | None = None) -> int:
    """Remind the officials of every open petition due within `business_days` (default
    `EGOV_REMINDER_BUSINESS_DAYS`) business days, once per (petition, due date); return how many
    petitions this run reminded."""
    now = now or timezone.now()
    business_days = business_days or reminder_business_days()
    done = 0
    registrars: dict[int, list[User]] = {}  # per agency, looked up once a run
    pks = list(_due_soon(now, business_days).order_by("clock__due_at").values_list("pk", flat=True)[:BATCH])
    for pk in pks:
        with transaction.atomic():
            petition = (
                _due_soon(now, business_days)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("clock", "assignee")
                .filter(pk=pk)
                .first()
            )
            if petition is None:  # answered meanwhile, or another worker holds it
                continue
            recipients = reminder_recipients(petition, registrars)
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        petition=petition, due_at=petition.clock.due_at, recipients=len(recipients)
                    )
            except IntegrityError:
                continue  # reminded by another worker between our read and our write
            audit_record(
                actor=None,
                action="petition.remind",
                obj=petition,
                after={"due_at": petition.clock.due_at, "recipients": len(recipients)},
            )
            due = timezone.localtime(petition.clock.due_at)
            _mail_after_commit(
                petition,
                f"처리기한 임박 / Due soon: {due:%Y-%m-%d %H:%M}",
                to=[user.email for user in recipients],
                office=True,
            )
            done += 1
    if done:
        logger.info("petition reminders sent", extra={"count": done})
    return done
