"""`egov seed --residents N [--seed S] [--if-empty]`: create the synthetic nation and every
app's demo data on it (each app's own step; `egov.core.seeding` runs them)."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.seeding import DEFAULT_SEED, SeedOptions, SeedRefused, seed_present, seed_run


class Command(BaseCommand):
    help = (
        "Create a synthetic nation: agencies, residents in households, family relations, "
        "businesses, vehicles and the demo logins, then each app's demo data on it. "
        "All or nothing, in one transaction."
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
        if if_empty and seed_present():
            self.stdout.write("Residents are already registered; not seeding (--if-empty).")
            return
        verbose = options["verbosity"] >= 1
        progress = (lambda line: self.stdout.write(f"  {line}")) if verbose else None
        self.stdout.write(f"Seeding {residents:,} residents with seed {seed}...")
        started = time.monotonic()
        try:
            reports = seed_run(options=SeedOptions(residents=residents, seed=seed, progress=progress))
        except SeedRefused as exc:
            raise CommandError(exc.message) from None
        for report in reports:
            for line in report.lines:
                self.stdout.write(f"  {line}")
        demo_users = [username for report in reports for username in report.demo_users]
        self.stdout.write(f"  demo users: {', '.join(demo_users)}")
        self.stdout.write(
            self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.1f} s. See `egov demo_logins`.")
        )
