"""How an app offers open data: it declares feeds, and the open-data portal publishes them.

An app that has statistics or registers the public may reuse declares them in its optional
`open_data.py` module as `FEEDS = (OpenDataFeed(...), ...)`. The `opendata` app finds them with
`core.app_modules` (it imports no app by name), runs each feed's `build` when the feed is due by
its frequency, and publishes the result as a new version of the feed's dataset. Nobody types a
platform dataset in by hand.

`build()` returns either a `Table` (columns and rows: served by the datastore API and as CSV)
or a `FileOutput` (a file published as it is, e.g. procurement's OCDS bulk package). It runs in
the worker, reads through the app's own selectors, and must never return data about a person:
aggregates only, with small cells suppressed (see `suppress_small`).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Korea Open Government License types (공공누리 제1~4유형) and CC BY 4.0.
LICENCES = ("kogl-type1", "kogl-type2", "kogl-type3", "kogl-type4", "cc-by-4.0")
# How often a feed is refreshed (the DCAT frequency vocabulary maps them).
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "annual", "irregular")
# The types a table's column may have.
COLUMN_TYPES = ("text", "int", "numeric", "date")
# The smallest count a published aggregate shows about people's requests; smaller cells are
# suppressed (published as empty), so nobody can be singled out.
MIN_CELL = 10


@dataclass(frozen=True)
class Column:
    """A column of a published table: `name` (lowercase ASCII, what the API filters on), its type,
    and its Korean label (what the pages show)."""

    name: str
    type: str
    label_ko: str


@dataclass(frozen=True)
class Table:
    """A table a feed publishes: rows are sequences in the order of `columns`."""

    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


@dataclass(frozen=True)
class FileOutput:
    """A file a feed publishes as it is."""

    name: str  # the resource's title, e.g. "OCDS release package"
    format: str  # "JSON", "CSV", ...
    media_type: str
    content: bytes


@dataclass(frozen=True)
class OpenDataFeed:
    """One dataset the platform publishes and keeps current.

    `slug` becomes the dataset's name (lowercase ASCII, digits, hyphens); `publisher_code` is the
    publishing agency's 행정기관코드 (the feed waits while that agency is not in the registry);
    `theme` a theme slug of the portal (see `opendata.themes`); `frequency` one of FREQUENCIES;
    `licence` one of LICENCES."""

    slug: str
    title_ko: str
    title_en: str
    publisher_code: str
    theme: str
    frequency: str
    licence: str
    build: Callable[[], Table | FileOutput]
    description_ko: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if self.licence not in LICENCES:
            raise ValueError(f"feed {self.slug}: licence must be one of {LICENCES}")
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"feed {self.slug}: frequency must be one of {FREQUENCIES}")


def suppress_small(count: int | None) -> int | None:
    """A count as published: None (an empty cell) below MIN_CELL."""
    if count is None or count < MIN_CELL:
        return None
    return count


def feeds() -> list[OpenDataFeed]:
    """Every feed the installed egov apps declare (`FEEDS` in their `open_data.py`), in app order."""
    from egov.core.app_modules import app_modules

    return [feed for _, module in app_modules("open_data") for feed in getattr(module, "FEEDS", ())]
