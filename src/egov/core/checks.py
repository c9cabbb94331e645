"""Input checks every app's services share."""

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed


def require_text(value: str, field: str, *, label: str, max_length: int = 2000) -> str:
    """The stripped text, or ValidationFailed naming `field`: empty, NUL or too long."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
    if "\x00" in value:
        raise ValidationFailed(
            _("%(label)s contains a character that cannot be stored.") % {"label": label}, field=field
        )
    if len(value) > max_length:
        raise ValidationFailed(
            _("%(label)s is longer than %(max)d characters.") % {"label": label, "max": max_length},
            field=field,
        )
    return value
