"""The KPI rollups of the demo: added up once from everything the apps before kpi seeded, so
the first `make run` shows the dashboards filled (the worker keeps them current from then on)."""

from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.kpi.models import Rollup
from egov.kpi.rollups import probe_record, rollups_rebuild


def seed_step(*, options: SeedOptions) -> SeedReport:
    probe_record()
    read = rollups_rebuild()
    counts = {"rows read": read, "rollup cells": Rollup.objects.count()}
    return SeedReport(lines=[summary_line("kpi", counts)])
