"""Deemed refusal (비공개 결정 간주): a request not decided by its due date is deemed refused
(the requester may object when no decision came, 정보공개법 제18조제1항).

`disclosure_deem_refusals` is the background job's body: run it from a scheduler with
`egov disclosure_deem`. It is idempotent and safe to run from two processes at once: each
request is handled in its own transaction under a row lock taken with SKIP LOCKED (PostgreSQL;
another worker moves on instead of waiting), and the state is checked again under the lock, so
a request decided or deemed meanwhile is left alone. The step is the procedure's SYSTEM
transition `deem_refusal`, recorded through the case kernel (`case_transition`: history, audit
event with its legal basis, e-mail to the requester after commit).
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from egov.cases.services import case_transition
from egov.core import deadlines
from egov.core.models import CaseClock
from egov.disclosure.models import DisclosureRequest
from egov.disclosure.procedure import OPEN_STATES

logger = logging.getLogger(__name__)

BATCH = 1000


def _overdue(now: dt.datetime):
    return DisclosureRequest.objects.filter(
        state__in=OPEN_STATES, clock__state=CaseClock.State.RUNNING, clock__due_at__lt=now
    )


def disclosure_deem_refusals(now: dt.datetime | None = None) -> int:
    """Deem refused every open request whose decision period ran out before `now` (default: now);
    return how many this run deemed. The refusal dates from the due date, which starts the
    30 days for an objection."""
    now = now or timezone.now()
    done = 0
    for pk in list(_overdue(now).order_by("clock__due_at").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            request = (
                _overdue(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("clock", "requester")
                .filter(pk=pk)
                .first()
            )
            if request is None:  # decided meanwhile, or another worker holds it
                continue
            clock = deadlines.clock_close(case_ref=request.case_ref, reason="deemed refusal")
            request.clock = clock
            request.outcome = DisclosureRequest.Outcome.DEEMED_REFUSED
            request.decided_at = clock.due_at
            case_transition(
                actor=None,
                case=request,
                action="deem_refusal",
                fields=["outcome", "decided_at"],
                data={"due_at": clock.due_at.isoformat()},
                after={"due_at": clock.due_at},
                notify_note=(
                    "처리기한까지 결정이 없어 비공개 결정으로 봅니다. 30일 안에 이의신청할 수 있습니다.\n"
                    "No decision by the due date: the request is deemed refused. "
                    "You may object within 30 days."
                ),
            )
            done += 1
    if done:
        logger.info("disclosure requests deemed refused", extra={"count": done})
    return done
