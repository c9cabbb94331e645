"""`egov seed` registers a demonstration relying party (a public client through PKCE) so one
login across government sites can be tried; `egov demo_logins` prints how (issue 13)."""

import base64
import hashlib
from io import StringIO
from urllib.parse import urlencode

from django.core.management import call_command

from egov.accounts.models import RelyingParty
from egov.core.audit import AuditEvent
from egov.core.seeding import SeedOptions
from egov.portal import seed


def test_the_seed_registers_the_demo_site_once_and_demo_logins_prints_it(alice):
    alice.is_demo = True
    alice.save(update_fields=["is_demo"])
    seed.seed_step(options=SeedOptions(residents=0))
    seed.seed_step(options=SeedOptions(residents=0))
    party = RelyingParty.objects.get(name=seed.DEMO_RELYING_PARTY)
    assert party.application.client_type == "public" and party.allowed_scopes == "openid profile"
    assert party.application.redirect_uris == seed.DEMO_REDIRECT_URI
    assert seed.seed_present()
    assert AuditEvent.objects.filter(action="relying_party.registered").count() == 1
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert party.application.client_id in out.getvalue() and seed.DEMO_REDIRECT_URI in out.getvalue()


def test_a_citizen_signing_in_to_the_demo_site_sees_its_consent_screen(client, alice):
    seed.seed_step(options=SeedOptions(residents=0))
    party = RelyingParty.objects.get(name=seed.DEMO_RELYING_PARTY)
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode({
        "client_id": party.application.client_id, "redirect_uri": seed.DEMO_REDIRECT_URI,
        "response_type": "code", "scope": "openid profile", "state": "s1", "nonce": "n1",
        "code_challenge": challenge, "code_challenge_method": "S256",
    })  # fmt: skip
    client.force_login(alice)
    page = client.get(f"/oidc/authorize/?{query}", HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200
    assert seed.DEMO_RELYING_PARTY in page.content.decode()
