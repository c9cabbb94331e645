"""Periods and helpers the deadline tests share.

The case types are the tests' own (apps register theirs), shaped like the statutory ones:
a 7-day grievance and a 3-day quick answer under 민원처리법 제19조 (days, and hours), a 10-day
disclosure decision extendable once by 10 days (정보공개법 제11조), and Civil Act periods.
"""

import datetime as dt

from egov.core.deadlines import CONTINUE, register_period
from egov.core.deadlines.holiday_calendar import SEOUL

GRIEVANCE = register_period("test.grievance", days=7, name_ko="고충민원", name_en="Grievance").code
QUICK = register_period("test.quick", days=3, name_ko="단순 질의", name_en="Simple question").code
DISCLOSURE = register_period(
    "test.disclosure",
    business_days=10,
    extension=10,
    name_ko="정보공개 결정",
    name_en="Disclosure decision",
    legal_basis="공공기관의 정보공개에 관한 법률 제11조",
).code
RELAY = register_period(
    "test.relay", days=7, on_transfer=CONTINUE, name_ko="이어 세는 민원", name_en="Relayed case"
).code
THIRTY_DAYS = register_period("test.thirty", calendar_days=30, name_ko="30일", name_en="Thirty days").code
ONE_MONTH = register_period("test.month", months=1, name_ko="1개월", name_en="One month").code
NO_PAUSE = register_period(
    "test.nopause", days=7, pausable=False, name_ko="멈춤 없음", name_en="No pause"
).code
TWICE = register_period(
    "test.twice", days=14, extension=7, max_extensions=2, name_ko="두 번 연장", name_en="Twice extendable"
).code


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(SEOUL)


def end_of(year: int, month: int, day: int) -> dt.datetime:
    """What a day period's due_at is: the last instant of its last day."""
    return dt.datetime.combine(dt.date(year, month, day), dt.time.max, tzinfo=SEOUL)
