"""The portal's demo data: a demonstration relying party, a government site that signs people in
through our OpenID Connect provider, so one login across government sites can be tried after
`egov seed` (`egov demo_logins` prints its client id and an address to start from).

It is a public client (PKCE, no secret) whose redirect address is the OpenID Connect debugger at
oidcdebugger.com: open the printed address in a browser, log in as the demo citizen, agree on
the consent screen, and the debugger shows the authorization code it received."""

from egov.accounts.models import RelyingParty, User
from egov.accounts.services.relying_parties import relying_party_register
from egov.core.seeding import SeedOptions, SeedReport

DEMO_RELYING_PARTY = "데모 정부 사이트"
DEMO_REDIRECT_URI = "https://oidcdebugger.com/debug"
SEED_OPERATOR = "seed.operator"


def seed_present() -> bool:
    return RelyingParty.objects.filter(name=DEMO_RELYING_PARTY).exists()


def seed_step(*, options: SeedOptions) -> SeedReport:
    party = RelyingParty.objects.filter(name=DEMO_RELYING_PARTY).select_related("application").first()
    if party is None:
        # The registration is an operator's act (audited): the seed's own operator account, which
        # has no password and cannot log in.
        operator, created = User.objects.get_or_create(
            username=SEED_OPERATOR, defaults={"kind": User.Kind.OPERATOR}
        )
        if created:
            operator.set_unusable_password()
            operator.save(update_fields=["password"])
        party, _secret = relying_party_register(
            actor=operator,
            name=DEMO_RELYING_PARTY,
            redirect_uris=DEMO_REDIRECT_URI,
            post_logout_redirect_uris=DEMO_REDIRECT_URI,
            public=True,
            scopes=["openid", "profile"],
        )
    return SeedReport(lines=[f"demo relying party: {party.name} (client id {party.application.client_id})"])
