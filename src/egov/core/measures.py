"""What the apps count for performance management (성과관리), and how the counts are read back.

An app contributes measures by offering a `kpi_sources.py` with `SOURCES = (...)`, found by
`core.app_modules` (so the app never imports `egov.kpi`, and the kpi app never imports it):

- a `MeasureSource` reads an append-only table of its own (or the case kernel's history) by
  increasing id, after a watermark the kpi worker keeps, and turns each batch of rows into
  `Fact`s: "one more of `measure` for this agency, month and service, worth `value`";
- a `GaugeSource` states a level as of now (services in the catalogue, services online),
  written for the current month on every tick; past months keep the level they ended with.

The kpi app adds the facts into its monthly rollups (`egov.kpi.rollups`) and registers a reader
here (`rollup_reader_register`), through which the apps' public statistics pages read those
rollups (`rollup_cells`) without importing kpi. With no reader registered (kpi not installed)
`rollup_cells` answers None and a page counts live as before.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone


@dataclass(frozen=True)
class Fact:
    """One occurrence (or `count` of them; negative takes them back) of `measure` at `agency_id`
    (None: the platform as a whole) in the month of `month` (any day of it), for `service` (a
    procedure, a category, a customs lane; "" for none). `value`, when given, is added to the
    cell's total and counted in its histogram (durations, ratings, amounts)."""

    measure: str
    agency_id: int | None
    month: dt.date
    service: str = ""
    count: int = 1
    value: float | None = None


@dataclass(frozen=True)
class MeasureSource:
    """Facts read from the append-only table `model` ("app_label.Model"), in id order, after
    the watermark; `where` narrows the rows (a callable, as it may need content types); `facts`
    turns one batch of rows into facts (it may read what the rows point to, in bulk)."""

    code: str
    model: str
    facts: Callable[[list], Iterable[Fact]]
    where: Callable[[], Q] | None = None
    select_related: tuple[str, ...] = field(default_factory=tuple)
    fields: tuple[str, ...] = field(default_factory=tuple)  # read only these (large rows)
    # the records behind the source's figures, for an official's drill-down:
    # records(agency_ids=set, start=datetime, end=datetime, service=str, measure=str) -> an
    # ordered QuerySet (`measure`: the figure's first measure, for a source counting several);
    # record_row(record, actor) -> {"number", "at", "detail", "url"}: the official's page for it,
    # "" when that official may not open it.
    # The kpi app applies the scope, the period's bounds and the pagination (rules written once).
    records: Callable[..., Any] | None = None
    record_row: Callable[[Any], dict] | None = None


@dataclass(frozen=True)
class GaugeSource:
    """A level as of now: `facts()` returns the current month's facts of `measures`, which
    replace what the rollup held for them this month."""

    code: str
    measures: tuple[str, ...]
    facts: Callable[[], Iterable[Fact]]


def month_of(moment: dt.datetime | dt.date) -> dt.date:
    """The first day of the month `moment` falls in, in Seoul time."""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return moment.replace(day=1)


# reader(*, measures, year, agency_ids=None, by_month=True, nation=False) -> list of cells (dicts:
# measure, agency_id, month, service, count, total, buckets)
RollupReader = Callable[..., list[dict]]

_reader: RollupReader | None = None


def rollup_reader_register(func: RollupReader) -> RollupReader:
    """Register the kpi app's reader of its rollups."""
    global _reader
    _reader = func
    return func


def rollup_cells(
    *,
    measures: Iterable[str],
    year: int,
    agency_ids: set[int] | None = None,
    by_month: bool = True,
    nation: bool = False,
) -> list[dict] | None:
    """The rollup cells of `measures` in `year` (each a dict: measure, agency_id, month,
    service, count, total, buckets): per agency (those of `agency_ids`, or all), or the nation's
    (`nation`: agency_id None, every agency's facts added up); with `by_month` False the months
    are added up (no month, no histogram). None when no rollups are kept (kpi not installed)."""
    if _reader is None:
        return None
    return _reader(
        measures=tuple(measures), year=year, agency_ids=agency_ids, by_month=by_month, nation=nation
    )
