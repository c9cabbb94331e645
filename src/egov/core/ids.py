"""Korean and international identifier formats: parsing, check digits, masking.

Every parser raises IdentifierError with a message a citizen can act on; callers turn it
into a field error. Nothing here touches the database.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _


class IdentifierError(ValueError):
    """An identifier that is malformed or fails its check digit."""


# --- Resident registration number (주민등록번호) ------------------------------------------

# Since 2020-10-05 newly assigned numbers carry a random tail instead of the region code
# and check digit (MOIS, 주민등록번호 부여체계 개편). Numbers of people born on or after that
# day are therefore not checked for the last digit.
RRN_CHECK_DIGIT_ABOLISHED_ON = dt.date(2020, 10, 5)
_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
# seventh digit -> (century, sex, foreigner)
_RRN_SEX_DIGIT = {
    "9": (1800, "M", False),
    "0": (1800, "F", False),
    "1": (1900, "M", False),
    "2": (1900, "F", False),
    "3": (2000, "M", False),
    "4": (2000, "F", False),
    "5": (1900, "M", True),
    "6": (1900, "F", True),
    "7": (2000, "M", True),
    "8": (2000, "F", True),
}
_RRN_RE = re.compile(r"^(\d{6})-?(\d{7})$")


@dataclass(frozen=True)
class ResidentNumber:
    """A valid resident registration number and what it says about its holder."""

    digits: str  # 13 digits, no hyphen
    birth_date: dt.date
    sex: str  # "M" or "F"
    foreigner: bool

    @property
    def formatted(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6:]}"

    @property
    def masked(self) -> str:
        return rrn_mask(self.digits)


def rrn_check_digit(first_twelve: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_twelve, _RRN_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def rrn_parse(value: str, *, today: dt.date | None = None) -> ResidentNumber:
    """Parse "YYMMDD-SXXXXXX" (hyphen optional); raise IdentifierError if invalid."""
    if not isinstance(value, str):
        raise IdentifierError(_("Enter the resident registration number as 13 digits."))
    match = _RRN_RE.match(value.strip())
    if not match:
        raise IdentifierError(_("A resident registration number is 13 digits: YYMMDD-NNNNNNN."))
    digits = match.group(1) + match.group(2)
    century, sex, foreigner = _RRN_SEX_DIGIT[digits[6]]
    try:
        birth_date = dt.date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise IdentifierError(_("The first six digits are not a valid birth date.")) from None
    today = today or dt.date.today()  # noqa: DTZ011 (a calendar date, not a timestamp)
    if birth_date > today:
        raise IdentifierError(_("The birth date in the number lies in the future."))
    if birth_date < RRN_CHECK_DIGIT_ABOLISHED_ON and rrn_check_digit(digits[:12]) != int(digits[12]):
        raise IdentifierError(_("The check digit of the resident registration number is wrong."))
    return ResidentNumber(digits=digits, birth_date=birth_date, sex=sex, foreigner=foreigner)


def rrn_sex_digit(birth_date: dt.date, sex: str, *, foreigner: bool = False) -> str:
    for digit, (century, s, f) in _RRN_SEX_DIGIT.items():
        if century <= birth_date.year < century + 100 and s == sex and f == foreigner:
            return digit
    raise IdentifierError(_("No sex digit exists for that birth year."))


def rrn_build(birth_date: dt.date, sex: str, serial: int, *, foreigner: bool = False) -> str:
    """Build a valid number from a birth date, sex and a 5-digit serial (for synthetic data)."""
    head = birth_date.strftime("%y%m%d") + rrn_sex_digit(birth_date, sex, foreigner=foreigner)
    first_twelve = head + f"{serial % 100000:05d}"
    return first_twelve + str(rrn_check_digit(first_twelve))


def rrn_mask(digits: str) -> str:
    """900101-1******: birth date and sex digit only."""
    digits = digits.replace("-", "")
    return f"{digits[:6]}-{digits[6]}******"


# --- Business registration number (사업자등록번호) ----------------------------------------

_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_BRN_RE = re.compile(r"^(\d{3})-?(\d{2})-?(\d{5})$")


def brn_check_digit(first_nine: str) -> int:
    digits = [int(d) for d in first_nine]
    total = sum(d * w for d, w in zip(digits, _BRN_WEIGHTS, strict=True))
    total += digits[8] * 5 // 10
    return (10 - total % 10) % 10


def brn_parse(value: str) -> str:
    """Return the 10 digits of a valid business registration number (hyphens optional)."""
    if not isinstance(value, str):
        raise IdentifierError(_("Enter the business registration number as 10 digits."))
    match = _BRN_RE.match(value.strip())
    if not match:
        raise IdentifierError(_("A business registration number is 10 digits: NNN-NN-NNNNN."))
    digits = "".join(match.groups())
    if brn_check_digit(digits[:9]) != int(digits[9]):
        raise IdentifierError(_("The check digit of the business registration number is wrong."))
    return digits


def brn_format(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


# --- Vehicle identification number (ISO 3779) -------------------------------------------

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_parse(value: str) -> str:
    """Return a valid 17-character VIN in upper case; the 9th character is its check digit."""
    if not isinstance(value, str):
        raise IdentifierError(_("Enter the VIN as 17 letters and digits."))
    vin = value.strip().upper()
    if not _VIN_RE.match(vin):
        raise IdentifierError(_("A VIN is 17 characters: digits and capital letters except I, O and Q."))
    if vin[8] != vin_check_digit(vin):
        raise IdentifierError(_("The check digit (9th character) of the VIN is wrong."))
    return vin


def vin_with_check_digit(vin17: str) -> str:
    """Replace position 9 of a 17-character VIN with its correct check digit."""
    vin = vin17.upper()
    return vin[:8] + vin_check_digit(vin[:8] + "0" + vin[9:]) + vin[9:]


# --- Vehicle plate number (자동차 등록번호판) -------------------------------------------------

_PLATE_RE = re.compile(r"^(?P<region>[가-힣]{2})?\s?(?P<type>\d{2,3})(?P<use>[가-힣])\s?(?P<serial>\d{4})$")


def plate_parse(value: str) -> str:
    """Normalise a plate such as "12가 3456", "123가4567" or "서울12바3456"."""
    if not isinstance(value, str):
        raise IdentifierError(_("Enter the plate number, e.g. 123가4567."))
    match = _PLATE_RE.match(value.strip())
    if not match:
        raise IdentifierError(_("A plate number looks like 12가3456 or 123가4567."))
    return (match.group("region") or "") + match.group("type") + match.group("use") + match.group("serial")
