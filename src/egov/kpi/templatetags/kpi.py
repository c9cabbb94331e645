"""The words the KPI pages use for services (procedures, customs lanes), never their codes."""

from django import template
from django.utils.translation import gettext as _

from egov.cases.procedures import procedures

register = template.Library()

LANES = {
    "green": lambda: _("Cleared without documents"),
    "yellow": lambda: _("Documents examined"),
    "red": lambda: _("Goods inspected"),
}


@register.filter
def service_label(code: str) -> str:
    """A service's name (a procedure, a customs lane), never its code."""
    for procedure in procedures():
        if procedure.code == code:
            return str(procedure.label)
    if code in LANES:
        return LANES[code]()
    return _("Other")
