"""The demo's open data: every feed the apps declare, run once (after their own seed steps,
as `opendata` comes after them in INSTALLED_APPS), so `make run` shows the catalogue the
worker would publish. Nothing is typed in by hand."""

from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.opendata.models import Dataset
from egov.opendata.services import feeds_refresh


def seed_step(*, options: SeedOptions) -> SeedReport:
    published = feeds_refresh(force=True)
    return SeedReport(lines=[summary_line("open data", {"datasets": len(published)})])


def seed_present() -> bool:
    return Dataset.objects.exclude(feed="").exists()
