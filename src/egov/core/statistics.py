"""What the public statistics of several procedures (petitions, disclosure) share."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed


def statistics_year_bounds(year: int | None) -> tuple[int, dt.datetime, dt.datetime]:
    """The year (default: this one) and its bounds in local time; ValidationFailed on `year` for
    one before 2000 or after this year."""
    this_year = timezone.localdate().year
    if year is None:
        year = this_year
    if not isinstance(year, int) or not 2000 <= year <= this_year:
        raise ValidationFailed(_("Choose a year from 2000 to this year."), field="year")
    zone = timezone.get_current_timezone()
    return year, dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)
