"""The reference data a submission reads — tariff lines, their rates on a day, the week's
exchange rates, the customs offices, the active rule set — held once per process and checked
against the database's version of it (`store.reference_version`, one statement) at every
submission: a new rate, exchange rate, tariff line or rule set takes effect at the next
submission in every process, and the data of one version is read from the database once.

Objects handed out are shared between requests: callers read them, never change them.
"""

import datetime as dt
import threading
from decimal import Decimal

from egov.customs import store
from egov.customs.assessment import Rates, exchange_rate_on, rates_on
from egov.customs.models import RuleSet, TariffHeading
from egov.registry.models import Agency

_MISSING = object()
_lock = threading.Lock()  # guards the swap of one process's snapshot, never held across a query
_current: "Reference | None" = None


class Reference:
    """The reference data of one version, filled as it is asked for."""

    def __init__(self, version: tuple):
        self.version = version
        self._headings: dict[str, TariffHeading | None] = {}
        self._rates: dict[tuple[int, dt.date], Rates] = {}
        self._exchange: dict[tuple[str, dt.date], Decimal] = {}
        self._offices: dict[str, Agency | None] = {}
        self._rule_set = _MISSING

    def headings(self, codes: set[str]) -> dict[str, TariffHeading]:
        """The tariff lines of `codes` that exist, by code."""
        missing = [c for c in codes if c not in self._headings]
        if missing:
            found = {h.code: h for h in TariffHeading.objects.filter(code__in=missing)}
            for code in missing:
                self._headings[code] = found.get(code)
        return {c: self._headings[c] for c in codes if self._headings[c] is not None}

    def rates_on(self, headings: list[TariffHeading], day: dt.date) -> Rates:
        """`assessment.rates_on`, each line's rates read once per day and version."""
        missing = [h for h in headings if (h.pk, day) not in self._rates]
        if missing:
            found = rates_on(missing, day)
            for heading in missing:
                self._rates[(heading.pk, day)] = Rates(
                    basic={k: v for k, v in found.basic.items() if k == heading.pk},
                    excise={k: v for k, v in found.excise.items() if k == heading.pk},
                    fta={k: v for k, v in found.fta.items() if k[0] == heading.pk},
                )
        merged = Rates()
        for heading in headings:
            one = self._rates[(heading.pk, day)]
            merged.basic.update(one.basic)
            merged.excise.update(one.excise)
            merged.fta.update(one.fta)
        return merged

    def exchange_rate_on(self, currency: str, day: dt.date) -> Decimal:
        """`assessment.exchange_rate_on`, read once per currency, day and version (a refusal
        is not kept: it is asked again)."""
        key = (currency, day)
        if key not in self._exchange:
            self._exchange[key] = exchange_rate_on(currency, day)
        return self._exchange[key]

    def office(self, code: str) -> Agency | None:
        if code not in self._offices:
            self._offices[code] = Agency.objects.filter(code=code).first()
        return self._offices[code]

    def active_rule_set(self) -> RuleSet | None:
        if self._rule_set is _MISSING:
            self._rule_set = RuleSet.objects.filter(state=RuleSet.State.ACTIVE).first()
        return self._rule_set


def reference_current() -> Reference:
    """This process's reference data, after checking its version (one statement)."""
    global _current
    version = store.reference_version()
    current = _current
    if current is not None and current.version == version:
        return current
    fresh = Reference(version)
    with _lock:
        _current = fresh
    return fresh


def reference_forget() -> None:
    """Drop this process's reference data (for a test that edits a row in place, which the
    platform itself never does)."""
    global _current
    with _lock:
        _current = None
