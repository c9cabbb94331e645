"""What happens when an order is paid: the owning app's "on paid" handler.

Payments sits below the feature apps and never imports them. An app whose cases charge money
declares, in its own `fees.py`, what its case does once paid:

    @on_paid("civil.application")
    def application_paid(*, order): ...   # the application proceeds, the certificate is issued

The key is the case's content type ("app_label.model"). Payments finds every installed egov
app's `fees.py` once (as the case kernel finds `procedure.py`) and calls the handler inside
the transaction that settles the order, with `actor=None`: the platform takes the step.
"""

from collections.abc import Callable

from egov.core.app_modules import app_modules

_HANDLERS: dict[str, Callable] = {}
_discovered = False


def on_paid(case_type: str) -> Callable[[Callable], Callable]:
    """Declare `function(*, order)` as what a case of `case_type` does once its order is paid."""

    def register(function: Callable) -> Callable:
        known = _HANDLERS.get(case_type)
        if known is not None and known.__qualname__ != function.__qualname__:
            raise ValueError(f"an on-paid handler for {case_type} is declared twice")
        _HANDLERS[case_type] = function
        return function

    return register


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for _module in app_modules("fees"):
        pass  # importing a fees module registers its on-paid handlers
    _discovered = True


def on_paid_handler(case_type: str) -> Callable | None:
    """The handler declared for `case_type` ("civil.application"), or None."""
    _discover()
    return _HANDLERS.get(case_type)
