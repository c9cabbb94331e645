"""One deadline engine for every case type: Korean business days, pauses, extensions, transfers.

Apps declare their case types' periods (`register_period`), start a clock when a case is
received (`clock_start`) and move it with the case (`clock_pause`, `clock_resume`,
`clock_extend`, `clock_transfer`, `clock_close`). `CaseClock.due_at` is always current and
indexed for queues; `due_explanation` says how it was computed. Operators change the holiday
calendar through `holiday_add` / `holiday_change` / `holiday_remove` (the admin calls them),
which recompute open clocks in bulk (`clocks_recompute`). docs/deadlines.md has the rules and
their legal sources.
"""

from egov.core.deadlines.clocks import (
    case_ref_of,
    clock_close,
    clock_extend,
    clock_get,
    clock_pause,
    clock_resume,
    clock_start,
    clock_transfer,
)
from egov.core.deadlines.compute import compute_due
from egov.core.deadlines.explain import due_explanation
from egov.core.deadlines.holiday_calendar import Calendar, calendar_get
from egov.core.deadlines.operator_holidays import (
    holiday_add,
    holiday_change,
    holiday_remove,
    holiday_validate,
)
from egov.core.deadlines.periods import CONTINUE, RESTART, Period, period_get, periods, register_period
from egov.core.deadlines.queues import business_days_between, due_soon, overdue
from egov.core.deadlines.recompute import clocks_recompute

__all__ = [
    "CONTINUE",
    "RESTART",
    "Calendar",
    "Period",
    "business_days_between",
    "calendar_get",
    "case_ref_of",
    "clock_close",
    "clock_extend",
    "clock_get",
    "clock_pause",
    "clock_resume",
    "clock_start",
    "clock_transfer",
    "clocks_recompute",
    "compute_due",
    "due_explanation",
    "due_soon",
    "holiday_add",
    "holiday_change",
    "holiday_remove",
    "holiday_validate",
    "overdue",
    "period_get",
    "periods",
    "register_period",
]
