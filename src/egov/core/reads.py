"""The seam through which the layers below the exchange report that a person's record was
shown (the registry's back office and API): `people_shown` hands the report to the recorder
the exchange registers when it starts (`exchange.services.people_shown`), which appends one
access-log entry per person, so each sees the read on "who looked at my data".

It lives in core, like `core.shared_items`, because the registry sits below the exchange and
may not import it. A read is never silently left out: with no recorder registered (the
exchange app not installed) the report raises.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# recorder(*, actor, shown, purpose, legal_basis, case_ref) -> None
Recorder = Callable[..., None]

_recorder: Recorder | None = None


def people_shown_recorder(func: Recorder) -> Recorder:
    """Register `func` as the recorder of every read reported here (the exchange's)."""
    global _recorder
    _recorder = func
    return func


def people_shown(
    *, actor, shown: Iterable[tuple[Any, str]], purpose: str, legal_basis: str, case_ref: str = ""
) -> None:
    """Report that `actor` was shown each (resident, what) of `shown`, for `purpose` under
    `legal_basis`; see `exchange.services.people_shown`."""
    if _recorder is None:
        raise ImproperlyConfigured("no recorder of reads: is egov.exchange installed?")
    _recorder(actor=actor, shown=shown, purpose=purpose, legal_basis=legal_basis, case_ref=case_ref)
