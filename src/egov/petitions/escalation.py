"""Escalation of overdue petitions to a supervisor (an agency administrator).

`petitions_escalate_overdue` is the background job's body: run it every few minutes from a
scheduler, `egov petitions_escalate`, or a worker. It is idempotent and safe to run from two
processes at once: each petition is handled in its own transaction under a row lock taken with
SKIP LOCKED (PostgreSQL; another worker moves on to the next petition instead of waiting), and
the unique constraint on (petition, escalated_for_due_at) makes a second escalation for the
same missed due date impossible even without the lock. An extension or a transfer gives the
petition a new due date; if that one is missed too, it is escalated again.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from egov.accounts.models import OfficialRole
from egov.core.audit import audit_record
from egov.core.models import CaseClock
from egov.petitions.models import Escalation, Petition
from egov.petitions.services import _event, _mail_after_commit

logger = logging.getLogger(__name__)

BATCH = 1000


def _overdue(now: dt.datetime):
    already = Escalation.objects.filter(
        petition=OuterRef("pk"), escalated_for_due_at=OuterRef("clock__due_at")
    )
    return Petition.objects.filter(
        state__in=Petition.OPEN_STATES, clock__state=CaseClock.State.RUNNING, clock__due_at__lt=now
    ).exclude(Exists(already))


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


def petitions_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Report every overdue open petition to its agency's supervisor, once per missed due date;
    return how many were escalated by this run."""
    now = now or timezone.now()
    done = 0
    supervisors: dict[int, object] = {}  # per agency, looked up once a run
    for pk in list(_overdue(now).order_by("clock__due_at").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            petition = (
                _overdue(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("clock", "agency", "petitioner")
                .filter(pk=pk)
                .first()
            )
            if petition is None:  # answered meanwhile, or another worker holds it
                continue
            if petition.agency_id not in supervisors:
                supervisors[petition.agency_id] = supervisor_for(petition.agency)
            supervisor = supervisors[petition.agency_id]
            try:
                with transaction.atomic():
                    escalation = Escalation.objects.create(
                        petition=petition,
                        escalated_for_due_at=petition.clock.due_at,
                        agency=supervisor.agency if supervisor else petition.agency,
                        supervisor=supervisor,
                    )
            except IntegrityError:
                continue  # escalated by another worker between our read and our write
            _event(petition, actor=None, action="escalate", supervisor=getattr(supervisor, "pk", None))
            audit_record(
                actor=None,
                action="petition.escalate",
                obj=petition,
                after={"escalation": escalation.pk, "supervisor": getattr(supervisor, "pk", None)},
            )
            if supervisor is not None:
                due = timezone.localtime(petition.clock.due_at)
                _mail_after_commit(
                    petition,
                    f"처리기한 경과 / Overdue since {due:%Y-%m-%d %H:%M}",
                    to=[supervisor.email],
                    office=True,
                )
            done += 1
    if done:
        logger.info("petitions escalated", extra={"count": done})
    return done
