"""Virtual account numbers (가상계좌): one per payment order, so a credit names its order.

Scheme (docs/payments.md): 14 digits = the 4-digit prefix the collecting bank assigned to the
platform (`EGOV_PAYMENT_VA_PREFIX`) + a 9-digit random serial + one Luhn check digit (ISO/IEC
7812-1, computed by `python-stdnum`) over the 13 digits before it. The check digit lets the
portal and the bank's counter refuse a mistyped number before any money moves; the serial is
random, not counted, so numbers do not reveal how many orders exist and no counter row is
locked by every order of the country. Uniqueness is the database's (`PaymentOrder.virtual_account`).
"""

import secrets

from django.conf import settings
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

from egov.core.errors import ValidationFailed

SERIAL_DIGITS = 9
LENGTH = 14


def virtual_account_new() -> str:
    """A fresh virtual account number (not yet checked for uniqueness)."""
    body = f"{settings.EGOV_PAYMENT_VA_PREFIX}{secrets.randbelow(10**SERIAL_DIGITS):0{SERIAL_DIGITS}d}"
    return body + luhn.calc_check_digit(body)


def virtual_account_clean(value: str, *, field: str = "virtual_account") -> str:
    """The number without separators, or ValidationFailed naming `field`."""
    digits = "".join(str(value or "").split()).replace("-", "")
    if len(digits) != LENGTH or not digits.isdigit():
        raise ValidationFailed(_("A virtual account number has 14 digits."), field=field)
    try:
        luhn.validate(digits)
    except StdnumError:
        raise ValidationFailed(_("The virtual account number's check digit is wrong."), field=field) from None
    return digits


def virtual_account_valid(value: str) -> bool:
    return len(value) == LENGTH and luhn.is_valid(value)
