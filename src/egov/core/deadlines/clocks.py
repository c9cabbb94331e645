"""Start, pause, resume, extend, transfer and close the clock of a case.

Each function is one transaction that locks the clock row, validates, recomputes `due_at`
with the current calendar and appends a `ClockEvent` (who, when, why, due date before and
after). The case's own app calls them from its services — `petition_supplement_request` calls
`clock_pause` — and writes the audit event for its business action; `ClockEvent` is the clock's
history.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db import models as dj_models
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.checks import require_text
from egov.core.deadlines.compute import compute_due
from egov.core.deadlines.holiday_calendar import FIRST_YEAR, SEOUL, Calendar, calendar_get
from egov.core.deadlines.periods import RESTART, Period, period_get
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.core.models import CaseClock, ClockEvent

FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # clocks of app servers differ a little


# --- input -----------------------------------------------------------------------------------


def case_ref_of(case: str | dj_models.Model) -> str:
    """The reference a clock is filed under: '<app_label>.<model>:<pk>' for a model instance."""
    if isinstance(case, dj_models.Model):
        return f"{case._meta.label_lower}:{case.pk}"
    return case


def _case_ref(case) -> str:
    text = case_ref_of(case)
    if not isinstance(text, str):
        raise ValidationFailed(_("The case reference is missing."), field="case_ref")
    return require_text(text, "case_ref", label=_("Case reference"), max_length=100)


def _moment(value: dt.datetime | None, field: str) -> dt.datetime:
    now = timezone.now()
    if value is None:
        return now
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise ValidationFailed(_("Give a date and time with its time zone."), field=field)
    if value.astimezone(SEOUL).year < FIRST_YEAR:
        raise ValidationFailed(
            _("Dates before %(year)d are not counted.") % {"year": FIRST_YEAR}, field=field
        )
    if value > now + FUTURE_TOLERANCE:
        raise ValidationFailed(_("This moment is in the future."), field=field)
    return value


def _agency_id(agency, field: str) -> int:
    agency_model = CaseClock._meta.get_field("agency").related_model
    agency_id = getattr(agency, "pk", agency)
    if not isinstance(agency_id, int) or not agency_model.objects.filter(pk=agency_id).exists():
        raise ValidationFailed(_("Choose an existing agency."), field=field)
    return agency_id


def _period(code: str) -> Period:
    period = period_get(code) if isinstance(code, str) else None
    if period is None:
        raise ValidationFailed(_("This case type has no registered processing period."), field="case_type")
    return period


# --- the clock row ---------------------------------------------------------------------------


def _locked(case_ref) -> CaseClock:
    ref = _case_ref(case_ref)
    clock = CaseClock.objects.select_for_update().filter(case_ref=ref).first()
    if clock is None:
        raise NotFound(_("This case has no processing clock."), field="case_ref")
    return clock


def _pauses(clock: CaseClock) -> list[tuple[dt.datetime, dt.datetime | None]]:
    return [
        (dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end) if end else None)
        for start, end in clock.pauses
    ]


def _latest_moment(clock: CaseClock) -> dt.datetime:
    """Events are recorded in time order: nothing may happen before the last thing that did."""
    moments = [clock.counted_from]
    for start, end in _pauses(clock):
        moments.append(end or start)
    # recomputations are the system's, stamped when they ran; they do not order the case's steps
    steps = clock.events.exclude(kind=ClockEvent.Kind.RECOMPUTE)
    last_event = steps.order_by("-at").values_list("at", flat=True).first()
    if last_event:
        moments.append(last_event)
    return max(moments)


def _step_moment(clock: CaseClock, value: dt.datetime | None, field: str) -> dt.datetime:
    """When a step happens: `value` if given and not before the case's last step, else now (or,
    should another server's clock be a little ahead, the last step's moment)."""
    moment = _moment(value, field)
    latest = _latest_moment(clock)
    if value is None:
        return max(moment, latest)
    if moment < latest:
        raise ValidationFailed(_("This moment is before the last recorded step of the case."), field=field)
    return moment


def _require_open(clock: CaseClock) -> None:
    if clock.state == CaseClock.State.CLOSED:
        raise Conflict(_("This case is closed; its clock no longer runs."), field="case_ref", code="closed")


def _recount(clock: CaseClock, calendar: Calendar | None = None):
    outcome = compute_due(
        calendar or calendar_get(),
        unit=clock.unit,
        length=clock.length + clock.extension_units,
        counted_from=clock.counted_from,
        pauses=_pauses(clock),
        first_day_counts=clock.first_day_counts,
    )
    clock.due_at = outcome.due_at
    clock.paused_units = outcome.paused_units
    return outcome


def _save(clock: CaseClock) -> None:
    clock.revision += 1
    clock.save()


def _event(clock: CaseClock, kind: str, *, at, actor, reason: str = "", **data) -> ClockEvent:
    return ClockEvent.objects.create(
        clock=clock,
        kind=kind,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        data={
            key: (value.isoformat() if isinstance(value, dt.datetime) else value)
            for key, value in data.items()
        },
    )


# --- services ----------------------------------------------------------------------------------


@transaction.atomic
def clock_start(
    *,
    case_type: str,
    case_ref: str | dj_models.Model,
    agency,
    received_at: dt.datetime | None = None,
    actor=None,
) -> CaseClock:
    """Start the processing period of a case received by `agency` at `received_at` (default now).

    `case_type` names a registered period; `case_ref` is the case (a model instance or its
    reference string) and may have one clock only. Refuses an unknown case type or agency, a
    naive or future time (ValidationFailed), and a second clock for the case (Conflict).
    """
    period = _period(case_type)
    ref = _case_ref(case_ref)
    agency_id = _agency_id(agency, "agency")
    received = _moment(received_at, "received_at")
    if CaseClock.objects.filter(case_ref=ref).exists():
        raise Conflict(_("This case already has a processing clock."), field="case_ref", code="exists")
    clock = CaseClock(
        case_type=period.code,
        case_ref=ref,
        agency_id=agency_id,
        received_at=received,
        counted_from=received,
        unit=period.unit,
        length=period.length,
        first_day_counts=period.first_day_counts,
    )
    _recount(clock)
    try:
        with transaction.atomic():
            clock.save()
    except IntegrityError as exc:
        raise Conflict(
            _("This case already has a processing clock."), field="case_ref", code="exists"
        ) from exc
    _event(
        clock,
        ClockEvent.Kind.START,
        at=received,
        actor=actor,
        period=period.code,
        unit=period.unit,
        length=period.length,
        first_day_counts=period.first_day_counts,
        legal_basis=period.legal_basis,
        agency=agency_id,
        due_after=clock.due_at,
    )
    return clock


@transaction.atomic
def clock_pause(*, case_ref, reason: str, actor=None, at: dt.datetime | None = None) -> CaseClock:
    """Stop the clock while the applicant is asked for something (보완 요구, 민원처리법 제22조).

    The time until `clock_resume` is not counted. Refuses a clock that is closed, already
    paused, or whose case type may not pause (Conflict), and a time before the case's last step.
    """
    clock = _locked(case_ref)
    _require_open(clock)
    if clock.state == CaseClock.State.PAUSED:
        raise Conflict(_("The clock is already stopped."), field="case_ref", code="paused")
    period = period_get(clock.case_type)
    if period is not None and not period.pausable:
        raise Conflict(
            _("The period of this case type cannot be stopped."), field="case_ref", code="not_pausable"
        )
    reason = require_text(reason, "reason", label=_("Reason"), max_length=500)
    moment = _step_moment(clock, at, "at")
    clock.pauses = [*clock.pauses, [moment.isoformat(), None]]
    clock.state = CaseClock.State.PAUSED
    clock.paused_since = moment
    _recount(clock)
    _save(clock)
    _event(clock, ClockEvent.Kind.PAUSE, at=moment, actor=actor, reason=reason, due_after=clock.due_at)
    return clock


@transaction.atomic
def clock_resume(*, case_ref, actor=None, at: dt.datetime | None = None, reason: str = "") -> CaseClock:
    """Restart a stopped clock (the supplement arrived): the due date moves by the time it stood."""
    clock = _locked(case_ref)
    _require_open(clock)
    if clock.state != CaseClock.State.PAUSED:
        raise Conflict(_("The clock is not stopped."), field="case_ref", code="running")
    moment = _step_moment(clock, at, "at")
    before = clock.due_at
    pauses = [list(pair) for pair in clock.pauses]
    pauses[-1][1] = moment.isoformat()
    clock.pauses = pauses
    clock.state = CaseClock.State.RUNNING
    clock.paused_since = None
    outcome = _recount(clock)
    _save(clock)
    _event(
        clock,
        ClockEvent.Kind.RESUME,
        at=moment,
        actor=actor,
        reason=(reason or "").strip()[:500],
        due_before=before,
        due_after=clock.due_at,
        paused=outcome.applied[-1],
    )
    return clock


@transaction.atomic
def clock_extend(
    *, case_ref, reason: str, length: int | None = None, actor=None, at: dt.datetime | None = None
) -> CaseClock:
    """Extend the period once (처리기간 연장): by `length` in the period's unit, at most the period.

    The caller tells the applicant the reason and the new due date (the law requires notice).
    Refuses a closed clock, more extensions than the case type allows, or an extension after
    the period already ran out (Conflict); a length out of range or an empty reason
    (ValidationFailed).
    """
    clock = _locked(case_ref)
    _require_open(clock)
    period = _period(clock.case_type)
    reason = require_text(reason, "reason", label=_("Reason"), max_length=500)
    if clock.extensions >= period.max_extensions:
        raise Conflict(
            _("The processing period of this case cannot be extended again."),
            field="case_ref",
            code="extension_limit",
        )
    if length is None:
        length = period.max_extension_length
    if (
        not isinstance(length, int)
        or isinstance(length, bool)
        or not 1 <= length <= period.max_extension_length
    ):
        raise ValidationFailed(
            _("An extension is between 1 and %(max)d.") % {"max": period.max_extension_length}, field="length"
        )
    moment = _step_moment(clock, at, "at")
    if moment > clock.due_at:
        raise Conflict(
            _("The processing period has already run out; it can no longer be extended."),
            field="case_ref",
            code="expired",
        )
    before = clock.due_at
    clock.extension_units += length
    clock.extensions += 1
    _recount(clock)
    _save(clock)
    _event(
        clock,
        ClockEvent.Kind.EXTEND,
        at=moment,
        actor=actor,
        reason=reason,
        length=length,
        unit=clock.unit,
        due_before=before,
        due_after=clock.due_at,
    )
    return clock


@transaction.atomic
def clock_transfer(
    *, case_ref, to_agency, reason: str, actor=None, received_at: dt.datetime | None = None
) -> CaseClock:
    """Hand the case to the competent agency (이송, 민원처리법 제16조, 정보공개법 제11조제4항).

    With the case type's rule "restart" (the default) the period is counted anew from
    `received_at`, when the competent agency received it: earlier pauses and extensions no
    longer apply and a pending supplement request lapses. With "continue" only the agency changes.
    """
    clock = _locked(case_ref)
    _require_open(clock)
    reason = require_text(reason, "reason", label=_("Reason"), max_length=500)
    agency_id = _agency_id(to_agency, "to_agency")
    if agency_id == clock.agency_id:
        raise ValidationFailed(_("The case is already with this agency."), field="to_agency")
    moment = _step_moment(clock, received_at, "received_at")
    period = period_get(clock.case_type)
    rule = period.on_transfer if period is not None else RESTART
    before, from_agency = clock.due_at, clock.agency_id
    clock.agency_id = agency_id
    if rule == RESTART:
        clock.counted_from = moment
        clock.pauses = []
        clock.extension_units = 0
        clock.extensions = 0
        clock.state = CaseClock.State.RUNNING
        clock.paused_since = None
    _recount(clock)
    _save(clock)
    _event(
        clock,
        ClockEvent.Kind.TRANSFER,
        at=moment,
        actor=actor,
        reason=reason,
        rule=rule,
        from_agency=from_agency,
        to_agency=agency_id,
        due_before=before,
        due_after=clock.due_at,
    )
    return clock


@transaction.atomic
def clock_close(*, case_ref, actor=None, at: dt.datetime | None = None, reason: str = "") -> CaseClock:
    """Stop the clock for good: the case was decided, answered, withdrawn or returned.

    A clock closed while stopped ends its pause at the closing moment, so time spent waiting
    for the applicant is not held against the agency. `closed_late` tells whether it met the
    due date.
    """
    clock = _locked(case_ref)
    _require_open(clock)
    moment = _step_moment(clock, at, "at")
    if clock.state == CaseClock.State.PAUSED:
        pauses = [list(pair) for pair in clock.pauses]
        pauses[-1][1] = moment.isoformat()
        clock.pauses = pauses
        clock.paused_since = None
        _recount(clock)
    clock.state = CaseClock.State.CLOSED
    clock.closed_at = moment
    _save(clock)
    _event(
        clock,
        ClockEvent.Kind.CLOSE,
        at=moment,
        actor=actor,
        reason=(reason or "").strip()[:500],
        due_after=clock.due_at,
        late=clock.closed_late,
    )
    return clock


def clock_get(case_ref) -> CaseClock:
    """The clock of a case, or NotFound. Permission to see the case is the calling app's check."""
    clock = CaseClock.objects.select_related("agency").filter(case_ref=_case_ref(case_ref)).first()
    if clock is None:
        raise NotFound(_("This case has no processing clock."), field="case_ref")
    return clock
