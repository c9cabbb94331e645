from django.core.management.base import BaseCommand

from egov.disclosure.deem import disclosure_deem_refusals


class Command(BaseCommand):
    help = "Deem refused the disclosure requests not decided in time (idempotent; safe to run concurrently)."

    def handle(self, *args, **options):
        count = disclosure_deem_refusals()
        self.stdout.write(f"{count} request(s) deemed refused")
