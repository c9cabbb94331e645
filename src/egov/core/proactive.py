"""The seam through which feature apps offer documents for proactive publication (원문정보
공개, 정보공개법 제7조·제8조의2): the disclosure app's public list asks every registered source
for its public items, so On-nara's public documents appear there without the disclosure app
importing On-nara (feature apps are independent; see pyproject's import-linter contracts).

A source is `func(*, agency_code: str, limit: int) -> list[ProactiveItem]`, registered by its
app when it starts (`edocs.apps`). Only what the source itself judges public is returned.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProactiveItem:
    agency_code: str
    agency_name_ko: str
    agency_name_en: str
    title: str
    reference: str  # the document's registration number
    department: str
    published_on: dt.date | None
    verify_number: str = ""  # the issued document's number, verifiable on the portal


Source = Callable[..., list[ProactiveItem]]
_sources: dict[str, Source] = {}


def proactive_source(name: str) -> Callable[[Source], Source]:
    """Register `func` under `name` (re-registering replaces it: app reloads in tests)."""

    def register(func: Source) -> Source:
        _sources[name] = func
        return func

    return register


def proactive_items(*, agency_code: str = "", limit: int = 200) -> list[ProactiveItem]:
    """Every registered source's public items, newest first."""
    items: list[ProactiveItem] = []
    for source in _sources.values():
        items += source(agency_code=agency_code, limit=limit)
    items.sort(key=lambda i: (i.published_on or dt.date.min, i.reference), reverse=True)
    return items[:limit]
