from django.core.management.base import BaseCommand

from egov.cases.sweeps import case_escalations_send
from egov.petitions.procedure import PETITION


class Command(BaseCommand):
    help = "Escalate overdue petitions to their agency's supervisor (idempotent; safe to run concurrently)."

    def handle(self, *args, **options):
        count = case_escalations_send(procedure=PETITION)
        self.stdout.write(f"{count} petition(s) escalated")
