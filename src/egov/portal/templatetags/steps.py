"""The KRDS step indicator (krds-uiux html/code/step_indicator.html) of a multi-step form, built
once: `{% step_indicator current "First step" "Second step" %}` or `{% step_indicator current
titles %}` with a dict {number: title} or a list of titles (translated here)."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.inclusion_tag("portal/_steps.html")
def step_indicator(current, *labels) -> dict:
    if len(labels) == 1 and isinstance(labels[0], dict):
        titles = [labels[0][n] for n in sorted(labels[0])]
    elif len(labels) == 1 and isinstance(labels[0], list | tuple):
        titles = list(labels[0])
    else:
        titles = list(labels)
    current = int(current or 1)

    def state(n: int) -> str:
        return "done" if n < current else "active" if n == current else ""

    return {
        "steps": [
            {"number": n, "title": gettext(str(t)), "state": state(n)} for n, t in enumerate(titles, start=1)
        ]
    }
