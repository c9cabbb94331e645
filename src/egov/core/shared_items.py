"""The code side of the exchange's catalogue: which function serves each shared item.

A providing app declares an item in its own `shared.py` with the `shared_item` decorator
(found at start-up like admin modules); `shared_item_sync` writes the catalogue rows. Adding
an item is one decorated selector, not a new endpoint. This lives in core, below every app,
because the providers (the registry first) sit below the exchange that serves their items.

`serve(subject, fields)` gets the item's field names the query will return (already checked
against the item and the basis) and returns a dict holding at least those; it may skip the
work, and the queries, of any field not asked for. The subject is a resident (asked for by
national ID number), or, for an item declared with `subject="business"`, a business (asked
for by its registration number): a business's data is not a person's, and its reads are
logged against the business, never on a person's "who looked at my data" page.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

# serve(resident, fields) -> {field: value} for (at least) every field in `fields`
Serve = Callable[[Any, Collection[str]], dict[str, Any]]


@dataclass(frozen=True)
class ItemDefinition:
    code: str
    provider_code: str  # the providing agency's 7-digit code
    name_ko: str
    name_en: str
    fields: tuple[str, ...]
    serve: Serve
    subject: str = "resident"  # or "business"


REGISTRY: dict[str, ItemDefinition] = {}


SUBJECTS = ("resident", "business")


def shared_item(
    *,
    code: str,
    provider_code: str,
    name_ko: str,
    name_en: str,
    fields: tuple[str, ...],
    subject: str = "resident",
):
    """Register `func(subject, fields) -> dict` as the server of shared item `code`, about a
    resident or (`subject="business"`) a business."""
    if subject not in SUBJECTS:
        raise ValueError(f"a shared item's subject is one of {SUBJECTS}, not {subject!r}")

    def register(func: Serve) -> Serve:
        REGISTRY[code] = ItemDefinition(code, provider_code, name_ko, name_en, tuple(fields), func, subject)
        return func

    return register
