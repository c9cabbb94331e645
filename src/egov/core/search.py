"""Site search: each app contributes its public, searchable things through an optional
`search.py` declaring `SECTIONS` (a list of `SearchSection`), found by `core.app_modules`, so
the portal searches every app without importing any by name.

    SECTIONS = [SearchSection(code="services", label=_("Services"), order=10,
                              search=lambda query, filters: Service.objects.filter(...),
                              hit=lambda service: SearchHit(title=..., link=...))]

`search` returns a queryset (or list) of matches, newest or most relevant first; the portal
pages it and turns only the page's rows into hits. A section may declare `filters`: (name,
label, choices) the search page offers and passes back in `filters`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from egov.core.app_modules import app_modules

QUERY_MAX = 100


@dataclass(frozen=True)
class SearchHit:
    title: str
    link: str
    summary: str = ""
    meta: str = ""  # agency, date, state: one short line


@dataclass(frozen=True)
class SearchSection:
    code: str
    label: object  # a lazy translation
    search: Callable[[str, dict], Iterable]
    hit: Callable[[object], SearchHit]
    order: int = 100
    filters: tuple[tuple[str, object, tuple[tuple[str, object], ...]], ...] = field(default=())


def search_sections() -> list[SearchSection]:
    """Every app's declared sections, in their order."""
    found: list[SearchSection] = []
    for _label, module in app_modules("search"):
        found.extend(getattr(module, "SECTIONS", ()))
    return sorted(found, key=lambda s: (s.order, s.code))


def search_query_clean(text: str | None) -> str:
    """What a person typed, trimmed to a sane length; an empty string searches nothing."""
    return " ".join((text or "").split())[:QUERY_MAX]
