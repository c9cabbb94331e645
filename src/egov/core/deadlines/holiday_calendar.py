"""The Korean business-day calendar every deadline is counted on.

A day is a business day unless it is a Saturday, a Sunday (a public holiday under the
관공서의 공휴일에 관한 규정 제2조제1호) or a public holiday: the statutory holidays and
substitute holidays the `holidays` library knows for KR, plus the days an operator adds
(`core.Holiday`, kind "holiday"), minus the library holidays an operator marks as working days
(kind "workday"). Business hours are 09:00–18:00 Asia/Seoul with lunch 12:00–13:00: 8 hours a
day, as 민원 처리에 관한 법률 제19조제1항 counts them.

`calendar_get()` returns the process's calendar, rebuilt when the operator holidays change:
each call compares a fingerprint of the `core.Holiday` table (row count and latest change),
one small aggregate query, so every process sees an operator's change at its next call.
"""

import bisect
import datetime as dt
import functools
import threading
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Count, Max

SEOUL = ZoneInfo("Asia/Seoul")
FIRST_YEAR = 2000  # nothing older is ever counted; keeps indexes stable
DAY_START = dt.time(9)
LUNCH_START = dt.time(12)
LUNCH_END = dt.time(13)
DAY_END = dt.time(18)
MORNING_SECONDS = 3 * 3600
DAY_SECONDS = 8 * 3600  # business seconds in one business day
WEEKDAYS_KO = "월화수목금토일"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class OperatorDay:
    kind: str  # "holiday" or "workday", as core.Holiday.Kind
    name_ko: str
    name_en: str


@functools.lru_cache(maxsize=512)
def library_year(year: int) -> dict[dt.date, tuple[str, str]]:
    """The library's KR public holidays of one year, with Korean and English names."""
    ko = holidays.country_holidays("KR", years=year, language="ko")
    en = holidays.country_holidays("KR", years=year, language="en_US")
    return {day: (name, en.get(day, name)) for day, name in ko.items()}


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SEOUL).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of `day` in Seoul: a period counted in days runs to its end (민법 제159조)."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=SEOUL)


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=SEOUL)


class Calendar:
    """Business days and business seconds from 2000-01-01 on, extended forward on demand.

    Internally a flag per day and a running count of business days, so "the n-th business
    day from d" and "business days between a and b" are a bisection and a subtraction.
    Instances are read-only apart from growing their range; build a new one when holidays change.
    """

    def __init__(self, operator_days: Mapping[dt.date, OperatorDay] | None = None):
        self._operator = dict(operator_days or {})
        self._base = dt.date(FIRST_YEAR, 1, 1).toordinal()
        self._lock = threading.Lock()
        self._last_year = FIRST_YEAR - 1
        self._flags = bytearray()
        self._prefix = array("l", [0])  # _prefix[i]: business days among the first i days
        self._ensure_year(max(dt.datetime.now(SEOUL).year + 2, FIRST_YEAR))

    # --- building ------------------------------------------------------------------------------

    def _ensure_year(self, year: int) -> None:
        if year <= self._last_year:
            return
        with self._lock:
            if year <= self._last_year:
                return
            flags = bytearray(self._flags)
            prefix = array("l", self._prefix)
            day = dt.date(self._last_year + 1, 1, 1)
            end = dt.date(year, 12, 31)
            while day <= end:
                business = day.weekday() < 5 and self.day_off_name(day) is None
                flags.append(1 if business else 0)
                prefix.append(prefix[-1] + (1 if business else 0))
                day += dt.timedelta(days=1)
            self._flags, self._prefix, self._last_year = flags, prefix, year

    def _index(self, day: dt.date) -> int:
        if day.year < FIRST_YEAR:
            raise ValueError(f"dates before {FIRST_YEAR} are not counted: {day}")
        self._ensure_year(day.year)
        return day.toordinal() - self._base

    # --- days ----------------------------------------------------------------------------------

    def day_off_name(self, day: dt.date) -> tuple[str, str] | None:
        """(Korean, English) name of the public holiday on `day`, also on a weekend; else None."""
        operator = self._operator.get(day)
        if operator is not None:
            return (operator.name_ko, operator.name_en) if operator.kind == "holiday" else None
        return library_year(day.year).get(day)

    def is_business_day(self, day: dt.date) -> bool:
        index = self._index(day)  # first: it may grow the arrays
        return bool(self._flags[index])

    def business_days_in(self, first: dt.date, stop: dt.date) -> int:
        """Business days d with first <= d < stop (0 when stop <= first)."""
        if stop <= first:
            return 0
        i, j = self._index(first), self._index(stop)
        return self._prefix[j] - self._prefix[i]

    def nth_business_day(self, first: dt.date, n: int) -> dt.date:
        """The n-th business day counting from `first` (itself included when it is one); n >= 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        index = self._index(first)  # first: it may grow the arrays
        target = self._prefix[index] + n
        while self._prefix[-1] < target:
            self._ensure_year(self._last_year + 5)
        position = bisect.bisect_left(self._prefix, target)  # first i with prefix[i] >= target
        return dt.date.fromordinal(self._base + position - 1)

    def next_business_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a business day, else the next one."""
        return self.nth_business_day(day, 1)

    def days_off(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, str, str]]:
        """Named public holidays with first <= date <= last, in order."""
        out = []
        day = first
        while day <= last:
            names = self.day_off_name(day)
            if names:
                out.append((day, *names))
            day += dt.timedelta(days=1)
        return out

    def weekend_days(self, first: dt.date, last: dt.date) -> int:
        """Saturdays and Sundays with first <= date <= last that are not also named holidays."""
        count = 0
        day = first
        while day <= last:
            if day.weekday() >= 5 and not self.day_off_name(day):
                count += 1
            day += dt.timedelta(days=1)
        return count

    # --- business seconds ----------------------------------------------------------------------

    def business_second(self, moment: dt.datetime) -> int:
        """Business seconds from the calendar's start to `moment`: a position on the work clock."""
        if moment.tzinfo is None:
            raise ValueError("aware datetimes only")
        local = moment.astimezone(SEOUL)
        i = self._index(local.date())
        before = self._prefix[i] * DAY_SECONDS
        if not self._flags[i]:
            return before
        seconds = local.hour * 3600 + local.minute * 60 + local.second
        if seconds <= 9 * 3600:
            within = 0
        elif seconds <= 12 * 3600:
            within = seconds - 9 * 3600
        elif seconds <= 13 * 3600:
            within = MORNING_SECONDS
        elif seconds <= 18 * 3600:
            within = MORNING_SECONDS + seconds - 13 * 3600
        else:
            within = DAY_SECONDS
        return before + within

    def moment_at(self, position: int) -> dt.datetime:
        """The earliest instant at which the work clock reads `position` (inverse of the above).

        A position on a boundary is given as the end of the earlier stretch: 18:00 rather than
        09:00 the next business day, 12:00 rather than 13:00 — the deadline is when the last
        counted working hour ends.
        """
        days, within = divmod(position, DAY_SECONDS)
        if within == 0 and days > 0:
            days, within = days - 1, DAY_SECONDS
        day = self.nth_business_day(dt.date(FIRST_YEAR, 1, 1), days + 1)
        if within <= MORNING_SECONDS:
            start, offset = DAY_START, within
        else:
            start, offset = LUNCH_END, within - MORNING_SECONDS
        return dt.datetime.combine(day, start, tzinfo=SEOUL) + dt.timedelta(seconds=offset)

    def add_business_seconds(self, moment: dt.datetime, seconds: int) -> dt.datetime:
        return self.moment_at(self.business_second(moment) + seconds)

    def business_seconds_in(self, start: dt.datetime, stop: dt.datetime) -> int:
        return max(0, self.business_second(stop) - self.business_second(start))


# --- the process's calendar ------------------------------------------------------------------

_current: tuple[tuple, Calendar] | None = None
_current_lock = threading.Lock()


def _fingerprint() -> tuple:
    from egov.core.models import Holiday

    row = Holiday.objects.aggregate(count=Count("id"), last=Max("updated_at"))
    return (row["count"], row["last"])


def calendar_from(holiday_rows: Iterable) -> Calendar:
    return Calendar(
        {row.date: OperatorDay(row.kind, row.name_ko, row.name_en) for row in holiday_rows},
    )


def calendar_get() -> Calendar:
    """The calendar with the operator holidays as the database holds them now.

    Rebuilt only when the fingerprint of `core.Holiday` changed since the last call, in this
    process or any other; the library's holidays are computed once per process and year.
    """
    global _current
    from egov.core.models import Holiday

    fingerprint = _fingerprint()
    current = _current
    if current is not None and current[0] == fingerprint:
        return current[1]
    with _current_lock:
        calendar = calendar_from(Holiday.objects.all())
        _current = (fingerprint, calendar)
    return calendar


def calendar_forget() -> None:
    """Drop the cached calendar (the next `calendar_get` rebuilds it)."""
    global _current
    _current = None


def format_date(day: dt.date, language: str) -> str:
    if language == "en":
        return f"{day:%Y-%m-%d} ({WEEKDAYS_EN[day.weekday()]})"
    return f"{day:%Y-%m-%d}({WEEKDAYS_KO[day.weekday()]})"


def format_moment(moment: dt.datetime, language: str) -> str:
    local = moment.astimezone(SEOUL)
    return f"{format_date(local.date(), language)} {local:%H:%M}"
