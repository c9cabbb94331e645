"""A synthetic nation for demos, tests and benchmarks: agencies, residents in households with
their family relations and life events, businesses and vehicles, and the demo logins.

Everything is drawn from one `random.Random(seed)`, so a seed always gives the same people,
addresses and family structure (only the encrypted ID numbers differ, since every
ciphertext has a random nonce). Names and road names come from pools built once from
Faker's ko_KR provider; calling Faker per person would be far too slow for a million.

The registers are written in bulk with pre-assigned primary keys: COPY FROM STDIN on
PostgreSQL, `bulk_create` elsewhere, in chunks so memory stays bounded. The whole seed is
one transaction: it lands completely or not at all.

`seed_step` is the registry's step of `egov seed` (see `egov.core.seeding`): it runs first,
since every other app's demo data is built on the nation. This module holds the entry points;
the rest of the package is internal: `data` (agency, district, name and road tables), `pools`
(the random source and the name and place pools), `generator` and `commerce` (drawing
households, people, businesses and vehicles), `loader` (writing the rows) and `demo` (the demo
logins).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from egov.accounts.models import User
from egov.accounts.services import DEMO_PASSWORD
from egov.core.audit import audit_record
from egov.core.seeding import DEFAULT_SEED, SeedOptions, SeedRefused, SeedReport
from egov.registry.addresses import address_file_generate, addresses_load
from egov.registry.models import Agency, Business, Household, Resident, RoadAddress, Vehicle
from egov.registry.seed.data import DISTRICTS, METROPOLITAN, MOIS, NTS
from egov.registry.seed.demo import DEMO_USERNAMES, demo_totp_key, demo_users_create
from egov.registry.seed.generator import Nation
from egov.registry.seed.loader import TABLES, Writer

__all__ = [
    "CHUNK_RESIDENTS",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "MIN_RESIDENTS",
    "SeedRefused",
    "SeedResult",
    "demo_totp_key",
    "nation_seed",
    "registry_has_data",
    "seed_check",
    "seed_present",
    "seed_step",
]

CHUNK_RESIDENTS = 50_000
MIN_RESIDENTS = 10


@dataclass
class SeedResult:
    """What a seed run wrote, for the command's summary."""

    seed: int
    counts: dict[str, int]
    seconds: float
    demo_users: list[str] = field(default_factory=list)


# --- Entry points ------------------------------------------------------------------------------------


def registry_has_data() -> bool:
    """True when any resident is registered (what `seed --if-empty` checks)."""
    return Resident.objects.exists()


def seed_present() -> bool:
    """The registry's answer to `egov seed --if-empty`: residents are registered already."""
    return registry_has_data()


def seed_check(*, options: SeedOptions) -> None:
    """Refuse, before anything is written, a nation too small for the demo households."""
    if options.residents < MIN_RESIDENTS:
        raise SeedRefused(f"--residents must be at least {MIN_RESIDENTS}.")


def seed_step(*, options: SeedOptions) -> SeedReport:
    """The registry's step of `egov seed`: the nation and the demo logins. Raises SeedRefused
    if registry data exists (seeding again would mix two nations)."""
    result = nation_seed(residents=options.residents, seed=options.seed, progress=options.progress)
    result.counts["road addresses"] = addresses_seed(seed=options.seed)
    width = max(len(name) for name in result.counts)
    return SeedReport(
        lines=[f"{name:<{width}}  {count:>10,}" for name, count in result.counts.items()],
        demo_users=result.demo_users,
    )


SIDO_CODES = {"6110000": "11", "6260000": "26", "6270000": "27", "6280000": "28", "6290000": "29",
              "6300000": "30", "6310000": "31"}  # fmt: skip


def addresses_seed(*, seed: int = 1) -> int:
    """Fill the address register the way an operator would: a file in the road-name address
    layout (EGOV_DATA_DIR/addresses/demo-rnaddrkor.txt: the districts' real road names, buildings
    1 to 40) loaded by the same loader as `egov addresses load`. How many addresses it holds."""
    districts = []
    for metro, lines in DISTRICTS.items():
        sido = METROPOLITAN[metro][0]
        for index, line in enumerate(lines.split("\n")):
            parts = line.split()
            if not parts:
                continue
            _code, name_ko, _name_en, _weight, postal, *roads = parts
            low, high = (int(p) for p in postal.split("-"))
            districts.append((sido, name_ko, f"{SIDO_CODES[metro]}{100 + index * 10:03d}", low, high, roads))
    folder = Path(settings.DATA_DIR) / "addresses"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo-rnaddrkor.txt"
    address_file_generate(path, districts, seed=seed)
    addresses_load(path=path)
    return RoadAddress.objects.count()


def _refuse_if_not_empty() -> None:
    taken = [
        label
        for label, queryset in (
            ("residents", Resident.objects.all()),
            ("households", Household.objects.all()),
            ("businesses", Business.objects.all()),
            ("vehicles", Vehicle.objects.all()),
            ("demo users", User.objects.filter(Q(is_demo=True) | Q(username__in=DEMO_USERNAMES))),
        )
        if queryset.exists()
    ]
    if taken:
        raise SeedRefused(
            f"The database already holds {', '.join(taken)}. Seed only an empty database "
            "(or pass --if-empty to skip seeding when residents exist).",
            field=None,
        )


def _agencies() -> tuple[dict, int, int]:
    """Create or reuse the agencies; return district facts by code, the NTS id and MOIS id."""

    def upsert(code: str, name_ko: str, name_en: str, kind: str, parent: Agency | None) -> Agency:
        return Agency.objects.get_or_create(
            code=code, defaults={"name_ko": name_ko, "name_en": name_en, "kind": kind, "parent": parent}
        )[0]

    mois = upsert(*MOIS, Agency.Kind.MINISTRY, None)
    nts = upsert(*NTS, Agency.Kind.OFFICE, None)
    districts = {}
    for metro_code, (metro_ko, metro_en, metro_short) in METROPOLITAN.items():
        metro = upsert(metro_code, metro_ko, metro_en, Agency.Kind.METROPOLITAN, mois)
        for line in DISTRICTS[metro_code].strip().splitlines():
            code, name_ko, name_en, weight, postal, roads = line.split(maxsplit=5)
            postal_from, postal_to = (int(p) for p in postal.split("-"))
            weight = int(weight)
            full_ko = f"{metro_ko} {name_ko}"
            agency = upsert(code, full_ko, f"{name_en}, {metro_short}", Agency.Kind.LOCAL, metro)
            districts[code] = (agency.pk, full_ko, weight, postal_from, postal_to, roads)
    return districts, nts.pk, mois.pk


def nation_seed(
    *,
    residents: int,
    seed: int = DEFAULT_SEED,
    chunk_size: int = CHUNK_RESIDENTS,
    progress: Callable[[str], None] | None = None,
) -> SeedResult:
    """Create the synthetic nation with `residents` people (the living and a few deceased)
    and the demo logins, in one transaction. Raises SeedRefused if registry data exists."""
    if residents < MIN_RESIDENTS:
        raise ValueError(f"The nation needs at least {MIN_RESIDENTS} residents (for the demo households).")
    started = time.monotonic()
    with transaction.atomic():
        writer = Writer()  # on PostgreSQL, locks the registers first: two seeds cannot interleave
        _refuse_if_not_empty()
        districts, nts_id, mois_id = _agencies()
        today, now = timezone.localdate(), timezone.now()
        nation = Nation(seed=seed, today=today, now=now, writer=writer, districts=districts, nts_id=nts_id)
        password_hash = make_password(DEMO_PASSWORD)  # once: Argon2 is slow on purpose
        counts = dict.fromkeys((m.__name__ for m in TABLES), 0)
        made = 0
        while made < residents:
            rows = nation.chunk(min(chunk_size, residents - made))
            for model in TABLES:
                writer.write(model, rows[model])
                counts[model.__name__] += len(rows[model])
            made += len(rows[Resident])
            if progress:
                progress(f"{made:,} of {residents:,} residents ({time.monotonic() - started:.0f} s)")
        finishing = time.monotonic()
        writer.finish()
        if progress and writer.postgres:
            progress(f"indexes, constraints and statistics rebuilt in {time.monotonic() - finishing:.0f} s")
        demo_users = demo_users_create(seed=seed, nation=nation, password_hash=password_hash)
        audit_record(
            actor=None,
            action="registry.seed",
            obj=Agency.objects.get(pk=mois_id),
            after={"seed": seed, **counts},
            reason="Synthetic nation for demonstration and testing",
        )
    return SeedResult(seed=seed, counts=counts, seconds=time.monotonic() - started, demo_users=demo_users)
