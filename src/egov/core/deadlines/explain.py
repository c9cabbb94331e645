"""How a due date was computed, in plain Korean or English, for the citizen and the official.

Built from the clock's events (receipt, pauses, extensions, transfers, calendar changes,
closing) and a recount of its current period on the current calendar, so it names the
holidays that were skipped. The texts are written here in both languages rather than through
gettext: the explanation is asked for in a given language (a notice in Korean, the English
page), whatever language the request is in.
"""

import datetime as dt

from egov.core.deadlines.compute import BUSINESS_HOURS, CALENDAR_DAYS, MONTHS, compute_due, hours_text
from egov.core.deadlines.holiday_calendar import (
    SEOUL,
    Calendar,
    calendar_get,
    format_date,
    format_moment,
    local_date,
)
from egov.core.deadlines.periods import RESTART, period_get
from egov.core.errors import ValidationFailed
from egov.core.korean import particles_resolve
from egov.core.models import CaseClock, ClockEvent

LANGUAGES = ("ko", "en")

T = {
    "ko": {
        "received": "접수: {when}, {agency}.",
        "hours": "처리기간: {length}. 접수 시각부터 근무시간(평일 09:00~18:00, 점심시간 12:00~13:00 제외, "
        "하루 8시간)만 셉니다. 토요일·일요일·공휴일은 셈하지 않습니다.",
        "business_days": "처리기간: {length}일. 일 단위로 세며 {first}, "
        "토요일·일요일·공휴일은 셈하지 않습니다.",
        "first_in": "첫날(접수일)을 포함하고",
        "first_out": "첫날(접수일)은 빼고",
        "calendar_days": "처리기간: {length}일. 달력 날짜로 세며 {first}, 마지막 날이 토요일이나 공휴일이면 "
        "그다음 근무일에 끝납니다.",
        "months": "처리기간: {length}개월. 달력에 따라 세며 {first}, 마지막 날이 토요일이나 공휴일이면 "
        "그다음 근무일에 끝납니다.",
        "basis": "근거: {basis}.",
        "hours_length": "{hours}근무시간",
        "hours_days_length": "{days}일({hours}근무시간)",
        "pause": "{when} 보완 요구로 처리기간이 멈췄습니다 (사유: {reason}).",
        "resume": "{when} 보완이 접수되어 다시 셉니다. 멈춘 동안의 {amount}은 처리기간에 넣지 않습니다.",
        "resume_none": "{when} 보완이 접수되어 다시 셉니다. "
        "멈춘 동안 셈할 근무시간이 없어 기한은 그대로입니다.",
        "resume_late": "{when} 보완이 접수되었습니다. 처리기한이 지난 뒤에 멈춘 것이라 기한은 그대로입니다.",
        "days_amount": "{n}일",
        "months_amount": "{n}개월",
        "business_days_amount": "근무일 {n}일",
        "hours_amount": "근무시간 {h}시간 {m}분",
        "extend": "{when} 처리기간을 {amount} 연장했습니다 (사유: {reason}). 처리기한 {before} → {after}.",
        "transfer_restart": "{when} {source}에서 {target}(으)로 이송되었습니다 (사유: {reason}). "
        "이송받은 기관이 접수한 때부터 처리기간을 다시 셉니다.",
        "transfer_continue": "{when} {source}에서 {target}(으)로 이송되었습니다 (사유: {reason}). "
        "처리기간은 이어서 셉니다.",
        "recompute": "{when} 달력 변경({reason})으로 처리기한이 {before}에서 {after}(으)로 바뀌었습니다.",
        "starts_later_day": "{received}은(는) {why}이어서 셈하지 않고, {first}부터 셉니다.",
        "starts_next_day": "첫날을 빼므로 {first}부터 셉니다.",
        "starts_later_hours": "근무시간 밖에 접수되어 {first}부터 셉니다.",
        "saturday": "토요일",
        "sunday": "일요일",
        "skipped": "셈하지 않은 공휴일: {days}.",
        "weekends": "셈하지 않은 주말: {n}일.",
        "rolled": "달력으로 센 마지막 날 {last}이(가) {why}이어서 "
        "다음 근무일 {due}에 끝납니다 (민법 제161조).",
        "due_day": "처리기한: {due}까지.",
        "due_hours": "처리기한: {due}까지.",
        "paused_now": "지금은 {since}부터 보완을 기다리며 멈춰 있습니다. 보완이 접수되면 멈춘 만큼 늦춰지며, "
        "가장 이른 처리기한은 {due}입니다.",
        "closed_on_time": "{when} 처리를 마쳤습니다: 기한 안에 처리했습니다.",
        "closed_late": "{when} 처리를 마쳤습니다: 처리기한을 넘겼습니다.",
    },
    "en": {
        "received": "Received: {when}, {agency}.",
        "hours": "Processing period: {length}, counted from the moment of receipt in working hours only "
        "(weekdays 09:00–18:00 without the 12:00–13:00 lunch break, 8 hours a day). Saturdays, "
        "Sundays and public holidays do not count.",
        "business_days": "Processing period: {length} days, counted in days {first}; Saturdays, Sundays and "
        "public holidays do not count.",
        "first_in": "including the day of receipt",
        "first_out": "from the day after receipt",
        "calendar_days": "Processing period: {length} days by the calendar, {first}; when the last day is a "
        "Saturday or a public holiday the period ends on the next working day.",
        "months": "Processing period: {length} months by the calendar, {first}; when the last day is a "
        "Saturday or a public holiday the period ends on the next working day.",
        "basis": "Legal basis: {basis}.",
        "hours_length": "{hours} working hours",
        "hours_days_length": "{days} days ({hours} working hours)",
        "pause": "{when} the clock stopped: the applicant was asked to supplement the application "
        "(reason: {reason}).",
        "resume": "{when} the supplement arrived and the clock runs again; the {amount} it stood still do "
        "not count.",
        "resume_none": "{when} the supplement arrived and the clock runs again; no working time passed "
        "meanwhile, so the due date stays.",
        "resume_late": "{when} the supplement arrived; the clock had stopped after the due date had "
        "passed, so the due date stays.",
        "days_amount": "{n} days",
        "months_amount": "{n} months",
        "business_days_amount": "{n} working days",
        "hours_amount": "{h} h {m} min of working time",
        "extend": "{when} the processing period was extended by {amount} (reason: {reason}): due {before} "
        "→ {after}.",
        "transfer_restart": "{when} transferred from {source} to {target} (reason: {reason}). The period "
        "is counted anew from the receipt by the agency it was transferred to.",
        "transfer_continue": "{when} transferred from {source} to {target} (reason: {reason}). The period "
        "runs on.",
        "recompute": "{when} the holiday calendar changed ({reason}): due {before} → {after}.",
        "starts_later_day": "{received} is {why}, so counting starts on {first}.",
        "starts_next_day": "The day of receipt is not counted: counting starts on {first}.",
        "starts_later_hours": "Received outside working hours: counting starts at {first}.",
        "saturday": "a Saturday",
        "sunday": "a Sunday",
        "skipped": "Public holidays not counted: {days}.",
        "weekends": "Weekend days not counted: {n}.",
        "rolled": "The last day by the calendar, {last}, is {why}, so the period ends on the next working "
        "day, {due} (Civil Act art. 161).",
        "due_day": "Due: by the end of {due}.",
        "due_hours": "Due: by {due}.",
        "paused_now": "The clock has stood still since {since}, waiting for the applicant's supplement. "
        "The due date moves by the time it stands; at the earliest it is {due}.",
        "closed_on_time": "{when} the case was closed, on time.",
        "closed_late": "{when} the case was closed, after the due date.",
    },
}


def due_explanation(clock: CaseClock, language: str = "ko") -> list[str]:
    """Sentences that say how `clock.due_at` was reached, in `language` ("ko" or "en")."""
    if language not in LANGUAGES:
        raise ValidationFailed("language must be ko or en", field="language")
    text = T[language]
    calendar = calendar_get()
    events = list(clock.events.order_by("at", "id"))
    names = _agency_names(clock, events, language)
    outcome = compute_due(
        calendar,
        unit=clock.unit,
        length=clock.length + clock.extension_units,
        counted_from=clock.counted_from,
        pauses=[
            (dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e) if e else None)
            for s, e in clock.pauses
        ],
        first_day_counts=clock.first_day_counts,
    )
    due = _due_text(clock.unit, clock.due_at, language)
    lines: list[str] = []
    current_pauses = iter(outcome.applied)
    paused_at = None
    pauses_since_restart = _pause_events_in_current_count(clock, events)
    for event in events:
        when = format_moment(event.at, language)
        data = event.data
        if event.kind == ClockEvent.Kind.START:
            lines.append(text["received"].format(when=when, agency=names.get(data.get("agency"), "")))
            lines.append(_rule_text(clock, text))
        elif event.kind == ClockEvent.Kind.PAUSE:
            paused_at = event.at
            lines.append(text["pause"].format(when=when, reason=event.reason))
        elif event.kind in (ClockEvent.Kind.RESUME, ClockEvent.Kind.CLOSE) and _ends_pause(event, events):
            if event.pk in pauses_since_restart:
                amount = next(current_pauses, 0)
            else:
                amount = data.get("paused", 0)
            if event.kind == ClockEvent.Kind.RESUME:
                late = paused_at is not None and paused_at > dt.datetime.fromisoformat(data["due_before"])
                lines.append(_resume_text(clock.unit, amount, when, late, text))
        elif event.kind == ClockEvent.Kind.EXTEND:
            lines.append(
                text["extend"].format(
                    when=when,
                    amount=_amount_text(clock.unit, data.get("length", 0), text, extension=True),
                    reason=event.reason,
                    before=_due_text(clock.unit, dt.datetime.fromisoformat(data["due_before"]), language),
                    after=_due_text(clock.unit, dt.datetime.fromisoformat(data["due_after"]), language),
                )
            )
        elif event.kind == ClockEvent.Kind.TRANSFER:
            key = "transfer_restart" if data.get("rule") == RESTART else "transfer_continue"
            lines.append(
                text[key].format(
                    when=when,
                    source=names.get(data.get("from_agency"), ""),
                    target=names.get(data.get("to_agency"), ""),
                    reason=event.reason,
                )
            )
        elif event.kind == ClockEvent.Kind.RECOMPUTE:
            lines.append(
                text["recompute"].format(
                    when=format_date(local_date(event.at), language),
                    reason=event.reason,
                    before=_due_text(clock.unit, dt.datetime.fromisoformat(data["due_before"]), language),
                    after=_due_text(clock.unit, dt.datetime.fromisoformat(data["due_after"]), language),
                )
            )
    lines += _counting_lines(clock, calendar, outcome, language)
    if clock.state == CaseClock.State.PAUSED:
        lines.append(text["paused_now"].format(since=format_moment(clock.paused_since, language), due=due))
    else:
        lines.append(text["due_hours" if clock.unit == BUSINESS_HOURS else "due_day"].format(due=due))
    if clock.state == CaseClock.State.CLOSED:
        key = "closed_late" if clock.closed_late else "closed_on_time"
        lines.append(text[key].format(when=format_moment(clock.closed_at, language)))
    if language == "ko":
        lines = [particles_resolve(line) for line in lines]
    return lines


def _agency_names(clock: CaseClock, events: list[ClockEvent], language: str) -> dict[int, str]:
    ids = {clock.agency_id}
    for event in events:
        for key in ("agency", "from_agency", "to_agency"):
            if event.data.get(key):
                ids.add(event.data[key])
    agency_model = CaseClock._meta.get_field("agency").related_model
    return {
        agency.pk: (agency.name(language) if hasattr(agency, "name") else str(agency))
        for agency in agency_model.objects.filter(pk__in=ids)
    }


def _ends_pause(event: ClockEvent, events: list[ClockEvent]) -> bool:
    """A resume always ends a pause; a close does when the clock was stopped just before it."""
    if event.kind == ClockEvent.Kind.RESUME:
        return True
    previous = [e for e in events if (e.at, e.pk) < (event.at, event.pk)]
    relevant = [
        e
        for e in previous
        if e.kind in (ClockEvent.Kind.PAUSE, ClockEvent.Kind.RESUME, ClockEvent.Kind.TRANSFER)
    ]
    return bool(relevant) and relevant[-1].kind == ClockEvent.Kind.PAUSE


def _pause_events_in_current_count(clock: CaseClock, events: list[ClockEvent]) -> set[int]:
    """The ids of events ending a pause that belongs to the current count (after the last restart)."""
    restart_at = None
    for event in events:
        if event.kind == ClockEvent.Kind.TRANSFER and event.data.get("rule") == RESTART:
            restart_at = (event.at, event.pk)
    return {
        event.pk
        for event in events
        if event.kind in (ClockEvent.Kind.RESUME, ClockEvent.Kind.CLOSE)
        and _ends_pause(event, events)
        and (restart_at is None or (event.at, event.pk) > restart_at)
    }


def _rule_text(clock: CaseClock, text: dict) -> str:
    first = text["first_in" if clock.first_day_counts else "first_out"]
    if clock.unit == BUSINESS_HOURS:
        rule = text["hours"].format(length=_amount_text(clock.unit, clock.length, text, extension=True))
    else:
        rule = text[clock.unit].format(length=clock.length, first=first)
    period = period_get(clock.case_type)
    basis = period.legal_basis if period is not None else ""
    return f"{rule} {text['basis'].format(basis=basis)}" if basis else rule


def _amount_text(unit: str, amount: int, text: dict, *, extension: bool = False) -> str:
    if unit == BUSINESS_HOURS:
        if extension:  # lengths are whole hours
            if amount % 8 == 0:
                return text["hours_days_length"].format(days=amount // 8, hours=amount)
            return text["hours_length"].format(hours=amount)
        hours, minutes = hours_text(amount)
        return text["hours_amount"].format(h=hours, m=minutes)
    if unit == MONTHS and extension:
        return text["months_amount"].format(n=amount)
    if unit in (CALENDAR_DAYS, MONTHS):
        return text["days_amount"].format(n=amount)
    return text["business_days_amount"].format(n=amount)


def _resume_text(unit: str, amount: int, when: str, late: bool, text: dict) -> str:
    if amount:
        return text["resume"].format(when=when, amount=_amount_text(unit, amount, text))
    return text["resume_late" if late else "resume_none"].format(when=when)


def _due_text(unit: str, due_at: dt.datetime, language: str) -> str:
    if unit == BUSINESS_HOURS:
        return format_moment(due_at, language)
    return format_date(local_date(due_at), language)


def _why_not_counted(calendar: Calendar, day: dt.date, text: dict, language: str) -> str:
    names = calendar.day_off_name(day)
    if names:
        return names[0] if language == "ko" else names[1]
    return text["saturday"] if day.weekday() == 5 else text["sunday"]


def _counting_lines(clock: CaseClock, calendar: Calendar, outcome, language: str) -> list[str]:
    text = T[language]
    lines = []
    received_on = local_date(clock.counted_from)
    due_on = local_date(clock.due_at)
    if clock.unit == BUSINESS_HOURS:
        first = outcome.first_counted
        if first.astimezone(SEOUL) != clock.counted_from.astimezone(SEOUL).replace(microsecond=0):
            lines.append(text["starts_later_hours"].format(first=format_moment(first, language)))
        first_day = local_date(first)
    else:
        first_day = outcome.first_counted
        if not clock.first_day_counts:
            lines.append(text["starts_next_day"].format(first=format_date(first_day, language)))
        elif first_day != received_on and clock.unit not in (CALENDAR_DAYS, MONTHS):
            lines.append(
                text["starts_later_day"].format(
                    received=format_date(received_on, language),
                    why=_why_not_counted(calendar, received_on, text, language),
                    first=format_date(first_day, language),
                )
            )
    if clock.unit in (CALENDAR_DAYS, MONTHS):
        last = outcome.last_day_before_rolling
        if last is not None and last != due_on:
            lines.append(
                text["rolled"].format(
                    last=format_date(last, language),
                    why=_why_not_counted(calendar, last, text, language),
                    due=format_date(due_on, language),
                )
            )
        return lines
    start = min(received_on, first_day)
    skipped = [
        f"{format_date(day, language)} {name_ko if language == 'ko' else name_en}"
        for day, name_ko, name_en in calendar.days_off(start, due_on)
    ]
    if skipped:
        lines.append(text["skipped"].format(days=", ".join(skipped)))
    weekends = calendar.weekend_days(start, due_on)
    if weekends:
        lines.append(text["weekends"].format(n=weekends))
    return lines
