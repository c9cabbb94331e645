from django.core.management.base import BaseCommand

from egov.petitions.escalation import petitions_escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue petitions to their agency's supervisor (idempotent; safe to run concurrently)."

    def handle(self, *args, **options):
        count = petitions_escalate_overdue()
        self.stdout.write(f"{count} petition(s) escalated")
