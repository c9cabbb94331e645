"""The code side of the catalogue: which function serves each shared item.

A providing app declares an item in its own `shared.py` with the `shared_item` decorator
(found at start-up like admin modules); `shared_item_sync` writes the catalogue rows. Adding
an item is one decorated selector, not a new endpoint.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ItemDefinition:
    code: str
    provider_code: str  # the providing agency's 7-digit code
    name_ko: str
    name_en: str
    fields: tuple[str, ...]
    serve: Callable[..., dict[str, Any]]  # serve(resident) -> {field: value} for every field


REGISTRY: dict[str, ItemDefinition] = {}


def shared_item(*, code: str, provider_code: str, name_ko: str, name_en: str, fields: tuple[str, ...]):
    """Register `func(resident) -> dict` as the server of shared item `code`."""

    def register(func):
        REGISTRY[code] = ItemDefinition(code, provider_code, name_ko, name_en, tuple(fields), func)
        return func

    return register
