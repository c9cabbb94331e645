"""How the platform finds what the apps declare: each installed egov app may offer a module of a
known name (`tasks`, `seed`, `procedure`, `fees`), and whoever gathers the declarations imports
them here, in app order, without importing any app by name (so core and the platform apps stay
below the feature apps that declare things to them)."""

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> Iterator[tuple[str, ModuleType]]:
    """(app label, module) for every installed egov app that has a module `name`, in app order.
    A module that exists but fails to import raises: a broken declaration is never skipped."""
    for config in apps.get_app_configs():
        if not config.name.startswith("egov."):
            continue
        dotted = f"{config.name}.{name}"
        try:
            module = import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name == dotted:
                continue
            raise
        yield config.label, module
