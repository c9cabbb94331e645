from django.core.management.base import BaseCommand

from egov.kpi.rollups import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the KPI rollups from scratch: every source read again from its first row, "
        "in one transaction."
    )

    def handle(self, *args, **options):
        read = rollups_rebuild()
        self.stdout.write(f"KPI rollups rebuilt: {read} rows read")
