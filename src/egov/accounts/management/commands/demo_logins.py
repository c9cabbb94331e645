"""`egov demo_logins`: the seeded demo accounts, their password and second factor."""

from base64 import b32encode

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import RelyingParty, User
from egov.accounts.services import DEMO_PASSWORD, DEMO_TOTP_CODE, demo_bypass_active

KIND_ORDER = {User.Kind.CITIZEN: 0, User.Kind.BUSINESS: 1, User.Kind.OFFICIAL: 2}


def _describe(user: User) -> str:
    if user.kind == User.Kind.OFFICIAL:
        roles = ", ".join(sorted(user.roles.values_list("role", flat=True)))
        return f"official of {user.agency.name_ko} ({user.agency.name_en}); roles: {roles}"
    if user.kind == User.Kind.BUSINESS:
        count = user.representations.count()
        return f"business representative for {count} business{'es' if count != 1 else ''}"
    if user.kind == User.Kind.CITIZEN and user.resident:
        agency = user.resident.agency
        return f"citizen registered in {agency.name_ko} ({agency.name_en})"
    return user.get_kind_display()


class Command(BaseCommand):
    help = "Print the demo logins created by `egov seed`: usernames, password and TOTP secrets."

    def handle(self, *args, **options) -> None:
        users = sorted(
            User.objects.filter(is_demo=True).select_related("agency", "resident__agency"),
            key=lambda u: (KIND_ORDER.get(u.kind, 9), u.username),
        )
        if not users:
            self.stdout.write("No demo users exist. Create them with `egov seed --residents 3000`.")
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for user in users:
            self.stdout.write(f"\n  {user.username}: {_describe(user)}")
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is not None:
                self.stdout.write(f"    TOTP secret: {b32encode(device.bin_key).decode()}")
                self.stdout.write(f"    {device.config_url}")
        for party in RelyingParty.objects.filter(
            is_active=True, application__client_type="public"
        ).select_related("application"):
            redirect = party.application.redirect_uris.split()[0]
            self.stdout.write(
                f"\nRelying party (one login across government sites): {party.name}\n"
                f"    client id: {party.application.client_id} (public client: PKCE, no secret)\n"
                f"    redirect: {redirect}; scopes: {party.allowed_scopes}\n"
                f"    try it: open {redirect} in a browser, give it this site's /oidc/authorize/\n"
                f"    address, this client id, scope '{party.allowed_scopes}', response type code and PKCE,\n"
                f"    then log in as a demo citizen and agree on the consent screen"
            )
        state = "on" if demo_bypass_active() else "off"
        self.stdout.write(
            f"\nOfficials may also enter the code {DEMO_TOTP_CODE}, but only while EGOV_DEBUG=1 and "
            f"EGOV_DEMO_TOTP_BYPASS=1 (`make run` sets both); it is {state} in this process."
        )
