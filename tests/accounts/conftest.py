import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.accounts.services.relying_parties import relying_party_register


@pytest.fixture
def olga(db):
    """Olga is an operator: she registers the sites that sign people in through egov."""
    user = User.objects.create_user(
        username="olga", password="pw", kind="operator", is_staff=True, is_superuser=True
    )
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


@pytest.fixture
def hometax(olga):
    """A confidential site (a server that keeps a secret) that may ask for the name."""
    party, secret = relying_party_register(
        actor=olga,
        name="국세청 홈택스",
        redirect_uris="https://hometax.example/callback",
        post_logout_redirect_uris="https://hometax.example/bye",
        public=False,
        scopes=["openid", "profile"],
    )
    party.secret = secret
    return party


@pytest.fixture
def welfare_app(olga):
    """A public client (a phone app, no secret): PKCE is required of it; it asks only openid."""
    party, _ = relying_party_register(
        actor=olga,
        name="복지로 앱",
        redirect_uris="https://bokjiro.example/app/callback",
        public=True,
        scopes=["openid"],
    )
    party.secret = None
    return party
