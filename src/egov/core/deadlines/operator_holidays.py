"""Operators add holidays (임시공휴일, election days) or take library holidays out; open cases follow."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.deadlines.holiday_calendar import FIRST_YEAR, calendar_forget, library_year
from egov.core.deadlines.recompute import clocks_recompute
from egov.core.errors import Conflict, ValidationFailed
from egov.core.models import Holiday

# --- operator holidays -------------------------------------------------------------------------


def _holiday_fields(*, date, name_ko: str, name_en: str, kind: str, legal_basis: str, exclude_pk=None):
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ValidationFailed(_("Give the date of the holiday."), field="date")
    if date.year < FIRST_YEAR:
        raise ValidationFailed(
            _("Dates before %(year)d are not counted.") % {"year": FIRST_YEAR}, field="date"
        )
    if kind not in Holiday.Kind.values:
        raise ValidationFailed(_("Choose a holiday or a working day."), field="kind")
    name_ko = require_text(name_ko, "name_ko", label=_("Korean name"), max_length=100)
    name_en = require_text(name_en, "name_en", label=_("English name"), max_length=100)
    legal_basis = (legal_basis or "").strip()[:200]
    library = library_year(date.year).get(date)
    if kind == Holiday.Kind.WORKDAY:
        if date.weekday() >= 5:
            raise ValidationFailed(_("Saturdays and Sundays never count as working days."), field="kind")
        if library is None:
            raise ValidationFailed(_("This date is not a public holiday in the calendar."), field="date")
    elif library is not None:
        raise ValidationFailed(
            _("This date is already a public holiday: %(name)s.") % {"name": library[1]}, field="date"
        )
    if Holiday.objects.filter(date=date).exclude(pk=exclude_pk).exists():
        raise Conflict(_("This date is already in the operator's calendar."), field="date", code="exists")
    return {"date": date, "kind": kind, "name_ko": name_ko, "name_en": name_en, "legal_basis": legal_basis}


def holiday_validate(
    *, date, name_ko: str, name_en: str, kind: str = "holiday", legal_basis: str = "", holiday=None
):
    """The checks of `holiday_add`/`holiday_change` alone, for forms that show field errors."""
    return _holiday_fields(
        date=date, name_ko=name_ko, name_en=name_en, kind=kind, legal_basis=legal_basis,
        exclude_pk=getattr(holiday, "pk", None),
    )  # fmt: skip


def _change_reason(change: str, holiday: Holiday) -> str:
    """The recompute events' reason, in Korean like the reasons officials write."""
    what = "공휴일" if holiday.kind == Holiday.Kind.HOLIDAY else "근무일 지정"
    verb = {"add": "추가", "change": "변경", "remove": "삭제"}[change]
    return f"{what} {verb}: {holiday.date:%Y-%m-%d} {holiday.name_ko}"


def _after_calendar_change(*, actor, days: list[dt.date], reason: str) -> int:
    calendar_forget()
    return clocks_recompute(since=min(days), actor=actor, reason=reason)


@transaction.atomic
def holiday_add(
    *, actor, date: dt.date, name_ko: str, name_en: str, kind: str = "holiday", legal_basis: str = ""
) -> Holiday:
    """Add a day to the calendar (임시공휴일, an election day) or, kind "workday", take a library
    holiday out of it; then recompute the due dates of the open cases it can move.

    Refuses a date the library already treats that way, a working day on a weekend, or a date
    already in the operator's calendar.
    """
    fields = _holiday_fields(date=date, name_ko=name_ko, name_en=name_en, kind=kind, legal_basis=legal_basis)
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(added_by=actor if getattr(actor, "pk", None) else None, **fields)
    except IntegrityError as exc:
        raise Conflict(
            _("This date is already in the operator's calendar."), field="date", code="exists"
        ) from exc
    moved = _after_calendar_change(actor=actor, days=[holiday.date], reason=_change_reason("add", holiday))
    audit_record(
        actor=actor, action="holiday.add", obj=holiday, after={**fields, "clocks_moved": moved},
        legal_basis=fields["legal_basis"],
    )  # fmt: skip
    return holiday


@transaction.atomic
def holiday_change(
    *, actor, holiday: Holiday, date: dt.date, name_ko: str, name_en: str, kind: str, legal_basis: str = ""
) -> Holiday:
    """Correct an operator holiday; open cases due on or after the earlier date are recomputed."""
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    fields = _holiday_fields(
        date=date, name_ko=name_ko, name_en=name_en, kind=kind, legal_basis=legal_basis, exclude_pk=holiday.pk
    )
    before = {key: getattr(holiday, key) for key in fields}
    for key, value in fields.items():
        setattr(holiday, key, value)
    holiday.save()
    moved = _after_calendar_change(
        actor=actor, days=[before["date"], holiday.date], reason=_change_reason("change", holiday)
    )
    audit_record(
        actor=actor,
        action="holiday.change",
        obj=holiday,
        before=before,
        after={**fields, "clocks_moved": moved},
    )
    return holiday


@transaction.atomic
def holiday_remove(*, actor, holiday: Holiday) -> int:
    """Delete an operator holiday; returns how many open cases' due dates moved."""
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    before = {
        "date": holiday.date,
        "kind": holiday.kind,
        "name_ko": holiday.name_ko,
        "name_en": holiday.name_en,
    }
    audit_record(actor=actor, action="holiday.remove", obj=holiday, before=before)
    holiday.delete()
    return _after_calendar_change(
        actor=actor, days=[before["date"]], reason=_change_reason("remove", holiday)
    )
