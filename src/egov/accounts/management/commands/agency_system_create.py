"""`egov agency_system_create --agency CODE --name NAME`: register an agency system as an
OAuth2 client and print its client ID and secret (shown this once)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.accounts.models import AgencySystem
from egov.accounts.systems import agency_system_register
from egov.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Register an agency's information system for the mediated query API and print its "
        "OAuth2 client ID and client secret. The secret is shown only now; only its hash is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="The agency's 7-digit code, e.g. 1352000.")
        parser.add_argument("--name", required=True, help="A name for the system, unique in the agency.")

    def handle(self, *args, agency: str, name: str, **options) -> None:
        # The registry's agencies, reached through the model an agency system belongs to: the
        # registry sits above accounts.
        agency_model = AgencySystem._meta.get_field("agency").related_model
        found = agency_model.objects.filter(code=agency.strip()).first()
        if found is None:
            raise CommandError(f"No agency has the code {agency!r}.")
        try:
            system, secret = agency_system_register(actor=None, agency=found, name=name)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Registered {found.name_ko} ({found.name_en}) / {system.name}")
        self.stdout.write(f"client_id: {system.client_id}")
        self.stdout.write(f"client_secret: {secret}")
        self.stdout.write(
            "Keep the secret now: it cannot be shown again. Get a token with\n"
            "  curl -u CLIENT_ID:CLIENT_SECRET -d grant_type=client_credentials "
            "http://127.0.0.1:8000/api/v1/oauth/token"
        )
