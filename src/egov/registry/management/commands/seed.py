"""`egov seed --residents N [--seed S] [--if-empty]`: create the synthetic nation."""

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from egov.civil.seed import civil_seed
from egov.exchange.seed import exchange_history_seed
from egov.participation.seed import proposals_seed
from egov.petitions.seed import history_seed as petitions_history_seed
from egov.procurement.seed import procurement_seed
from egov.registry.seed import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    MIN_RESIDENTS,
    SeedRefused,
    demo_totp_key,
    nation_seed,
    registry_has_data,
)


class Command(BaseCommand):
    help = (
        "Create a synthetic nation: agencies, residents in households, family relations, "
        "businesses, vehicles and the demo logins. All or nothing, in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--residents", type=int, default=3000, help="How many residents (default 3000).")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed; the same seed gives the same nation."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if residents are already registered (instead of refusing).",
        )

    def handle(self, *args, residents: int, seed: int, if_empty: bool, **options) -> None:
        if residents < MIN_RESIDENTS:
            raise CommandError(f"--residents must be at least {MIN_RESIDENTS}.")
        if if_empty and registry_has_data():
            self.stdout.write("Residents are already registered; not seeding (--if-empty).")
            return
        verbose = options["verbosity"] >= 1
        self.stdout.write(f"Seeding {residents:,} residents with seed {seed}...")
        try:
            with transaction.atomic():  # the nation and its exchange history, or nothing
                result = nation_seed(
                    residents=residents,
                    seed=seed,
                    progress=(lambda line: self.stdout.write(f"  {line}")) if verbose else None,
                )
                history = exchange_history_seed(
                    seed=seed,
                    password_hash=make_password(DEMO_PASSWORD),
                    totp_key=lambda username: demo_totp_key(seed=seed, username=username),
                )
                civil = civil_seed()
                petitions = petitions_history_seed()
                participation = proposals_seed()
                procurement = procurement_seed(seed=seed)
        except SeedRefused as exc:
            raise CommandError(str(exc)) from None
        width = max(len(name) for name in result.counts)
        for name, count in result.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>10,}")
        self.stdout.write(f"  exchange: {', '.join(f'{n:,} {k}' for k, n in history.items())}")
        self.stdout.write(f"  civil services: {', '.join(f'{n:,} {k}' for k, n in civil.items())}")
        self.stdout.write(f"  petitions: {', '.join(f'{n:,} {k}' for k, n in petitions.items())}")
        self.stdout.write(f"  participation: {', '.join(f'{n:,} {k}' for k, n in participation.items())}")
        self.stdout.write(f"  procurement: {', '.join(f'{n:,} {k}' for k, n in procurement.items())}")
        self.stdout.write(f"  demo users: {', '.join(result.demo_users)}, official.nps")
        self.stdout.write(self.style.SUCCESS(f"Seeded in {result.seconds:.1f} s. See `egov demo_logins`."))
