"""Processing periods per case type, declared in code by the app that owns the case type.

An app registers its periods once, from its `AppConfig.ready()` (or a module it imports):

    register_period("petition.grievance", days=7, name_ko="고충민원", name_en="Grievance",
                    legal_basis="민원 처리에 관한 법률 시행령 (고충민원 처리기간)")

`days=` applies 민원 처리에 관한 법률 제19조: up to 5 days the period is counted in business
hours from the moment of receipt (8 per day), from 6 days on in business days with the first day
counted; Saturdays and public holidays never count. The other forms say the unit outright
(`business_days=`, `business_hours=`, `calendar_days=`, `weeks=`, `months=`, `years=`).
"""

from dataclasses import dataclass

from egov.core.models import CaseClock

Unit = CaseClock.Unit

RESTART = "restart"  # the competent agency counts a new period from its own receipt
CONTINUE = "continue"  # the period runs on as if nothing happened
TRANSFER_RULES = (RESTART, CONTINUE)

MINWON_LEGAL_BASIS = "민원 처리에 관한 법률 제19조"


@dataclass(frozen=True)
class Period:
    """How one case type's processing period is counted.

    `length` and `extension_length` are in `unit` (hours for business hours). The unit's own
    rules: business hours from the moment of receipt; business days with the first day counted
    unless `first_day_counts` is False; calendar days and months by the calendar (민법 제160조),
    ending on the next business day when the last day is a Saturday or holiday (민법 제161조).
    """

    code: str
    name_ko: str
    name_en: str
    unit: str
    length: int
    legal_basis: str = ""
    first_day_counts: bool = True
    max_extensions: int = 1
    extension_length: int = 0  # per extension, in `unit`; 0 means "up to the period itself"
    on_transfer: str = RESTART
    pausable: bool = True

    @property
    def max_extension_length(self) -> int:
        return self.extension_length or self.length


_REGISTRY: dict[str, Period] = {}


def register_period(
    code: str,
    *,
    name_ko: str,
    name_en: str,
    legal_basis: str = "",
    days: int | None = None,
    business_days: int | None = None,
    business_hours: int | None = None,
    calendar_days: int | None = None,
    weeks: int | None = None,
    months: int | None = None,
    years: int | None = None,
    extension: int | None = None,
    max_extensions: int = 1,
    first_day_counts: bool = True,
    on_transfer: str = RESTART,
    pausable: bool = True,
) -> Period:
    """Declare the period of a case type; give exactly one of the length keywords.

    `extension` is the most one extension may add, in the same terms as the length keyword
    (days for `days=`); by default the period itself ("처리기간의 범위에서"). Registering the
    same code again with the same definition is a no-op; with another definition it is an
    error, so two apps cannot silently disagree about one case type.
    """
    given = {
        "days": days,
        "business_days": business_days,
        "business_hours": business_hours,
        "calendar_days": calendar_days,
        "weeks": weeks,
        "months": months,
        "years": years,
    }
    chosen = [(key, value) for key, value in given.items() if value is not None]
    if len(chosen) != 1:
        raise ValueError(f"period {code!r}: give exactly one of {', '.join(given)}")
    key, amount = chosen[0]
    if amount < 1:
        raise ValueError(f"period {code!r}: the length must be at least 1")
    if on_transfer not in TRANSFER_RULES:
        raise ValueError(f"period {code!r}: on_transfer must be one of {TRANSFER_RULES}")
    if max_extensions < 0 or (extension is not None and extension < 1):
        raise ValueError(f"period {code!r}: extensions must be positive")

    factor = 1
    if key == "days":
        # 민원 처리에 관한 법률 제19조제1항·제2항
        unit, factor = (Unit.BUSINESS_HOURS, 8) if amount <= 5 else (Unit.BUSINESS_DAYS, 1)
        legal_basis = legal_basis or MINWON_LEGAL_BASIS
    elif key == "business_days":
        unit = Unit.BUSINESS_DAYS
    elif key == "business_hours":
        unit = Unit.BUSINESS_HOURS
    elif key in ("calendar_days", "weeks"):
        unit, factor = Unit.CALENDAR_DAYS, (7 if key == "weeks" else 1)
    else:
        unit, factor = Unit.MONTHS, (12 if key == "years" else 1)

    period = Period(
        code=code,
        name_ko=name_ko,
        name_en=name_en,
        unit=str(unit),
        length=amount * factor,
        legal_basis=legal_basis,
        first_day_counts=first_day_counts,
        max_extensions=max_extensions,
        extension_length=(extension * factor) if extension is not None else 0,
        on_transfer=on_transfer,
        pausable=pausable,
    )
    existing = _REGISTRY.get(code)
    if existing is not None and existing != period:
        raise ValueError(f"period {code!r} is already registered with another definition")
    _REGISTRY[code] = period
    return period


def period_get(code: str) -> Period | None:
    return _REGISTRY.get(code)


def periods() -> list[Period]:
    return sorted(_REGISTRY.values(), key=lambda period: period.code)
