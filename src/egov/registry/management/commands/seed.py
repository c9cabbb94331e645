"""`egov seed --residents N [--seed S] [--if-empty]`: create the synthetic nation."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.registry.seed import DEFAULT_SEED, MIN_RESIDENTS, SeedRefused, nation_seed, registry_has_data


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
            result = nation_seed(
                residents=residents,
                seed=seed,
                progress=(lambda line: self.stdout.write(f"  {line}")) if verbose else None,
            )
        except SeedRefused as exc:
            raise CommandError(str(exc)) from None
        width = max(len(name) for name in result.counts)
        for name, count in result.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>10,}")
        self.stdout.write(f"  demo users: {', '.join(result.demo_users)}")
        self.stdout.write(self.style.SUCCESS(f"Seeded in {result.seconds:.1f} s. See `egov demo_logins`."))
