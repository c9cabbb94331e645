"""Figures as the KPI pages print them, and the words for units and services."""

from django import template
from django.utils.translation import gettext as _

from egov.cases.procedures import procedures
from egov.kpi.services import figure_text

register = template.Library()

LANES = {
    "green": lambda: _("Cleared without documents"),
    "yellow": lambda: _("Documents examined"),
    "red": lambda: _("Goods inspected"),
}


@register.filter
def figure(value, indicator) -> str:
    return figure_text(value, str(indicator.unit))


@register.filter
def service_label(code: str) -> str:
    """A service's name (a procedure, a customs lane), never its code."""
    for procedure in procedures():
        if procedure.code == code:
            return str(procedure.label)
    if code in LANES:
        return LANES[code]()
    return _("Other")


@register.filter
def raw(value) -> str:
    """A number for the chart script (a data attribute), "" when there is none."""
    return "" if value is None else f"{value:.4f}"
