"""The demo seed, app by app: each app that has demo data offers its own step, and `egov seed`
runs the steps in the order of INSTALLED_APPS (the registry's nation first, then what is built
on it), all in one transaction.

An app's step lives in its `seed` module (a module or package) as:

- `seed_step(*, options: SeedOptions) -> SeedReport` (required): create the app's demo data;
- `seed_check(*, options: SeedOptions) -> None` (optional): raise SeedRefused, before any step
  runs, when the options cannot work (too few residents for the demo households);
- `seed_present() -> bool` (optional): True when the app's demo data is there already, which
  makes `seed --if-empty` do nothing.

Core finds the steps by app name, like `egov.core.tasks` finds the sweeps; it imports no app.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType

from django.db import transaction

from egov.core.app_modules import app_modules
from egov.core.errors import Conflict

DEFAULT_SEED = 1


class SeedRefused(Conflict):
    """The database or the options do not allow seeding (data already there, too few residents)."""

    code = "seed_refused"


@dataclass(frozen=True)
class SeedOptions:
    """What `egov seed` was asked for."""

    residents: int
    seed: int = DEFAULT_SEED
    progress: Callable[[str], None] | None = None  # a line of progress for the console, or None


@dataclass
class SeedReport:
    """What a step made: the lines of the command's summary, and the demo logins it created."""

    lines: list[str] = field(default_factory=list)
    demo_users: list[str] = field(default_factory=list)


def summary_line(label: str, counts: dict[str, int]) -> str:
    """`label: 3 grants, 12 queries`: one summary line of a step's counts."""
    return f"{label}: {', '.join(f'{n:,} {what}' for what, n in counts.items())}"


def seed_modules() -> Iterator[tuple[str, ModuleType]]:
    """(app label, its seed module) for every egov app that offers a seed step, in app order."""
    for label, module in app_modules("seed"):
        if hasattr(module, "seed_step"):
            yield label, module


def seed_present() -> bool:
    """True when any app says its demo data is there already."""
    return any(getattr(module, "seed_present", lambda: False)() for _, module in seed_modules())


def seed_run(*, options: SeedOptions) -> list[SeedReport]:
    """Check every step's options, then run every step in one transaction: all the demo data,
    or none of it. Raises SeedRefused (a check's, before anything is written, or a step's,
    which undoes what the earlier steps wrote)."""
    modules = list(seed_modules())
    for _, module in modules:
        check = getattr(module, "seed_check", None)
        if check is not None:
            check(options=options)
    with transaction.atomic():
        return [module.seed_step(options=options) for _, module in modules]
