"""The OpenID Connect provider (django-oauth-toolkit): one login for government sites.

Sites (relying parties) are registered by an operator (egov.accounts.services.relying_parties)
and may ask only for the scopes they were registered for. Subject identifiers are pairwise: an
HMAC of the account id keyed with a per-deployment secret and the site's sector identifier, so
a site never sees the ID number and two sites never see the same `sub` for one person — they
cannot join their records on it. PKCE is required of public clients; confidential ones are
checked when they send it. See docs/login.md.
"""

import base64
import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from egov.accounts.models import RelyingParty

# What each scope releases, as the consent screen lists it.
SCOPE_CLAIMS = {
    "openid": ("sub",),
    "profile": ("name", "birthdate"),
    "email": ("email",),
}
CLAIM_LABELS = {
    "sub": _("An identifier for this site only (other sites get a different one)"),
    "name": _("Name"),
    "birthdate": _("Date of birth"),
    "email": _("E-mail address"),
}
SCOPE_LABELS = {
    "openid": _("Signing you in"),
    "profile": _("Your name and date of birth"),
    "email": _("Your e-mail address"),
}


def _pairwise_key() -> bytes:
    secret = settings.EGOV_OIDC_PAIRWISE_SECRET or settings.SECRET_KEY
    return hmac.new(secret.encode(), b"oidc-pairwise-subject", hashlib.sha256).digest()


def pairwise_subject(*, user_id: int, sector_identifier: str) -> str:
    """The `sub` a site with this sector identifier sees for the account `user_id`: 43
    characters of base64url, the same on every visit, unrelated across sites."""
    mac = hmac.new(_pairwise_key(), f"{sector_identifier}|{user_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def relying_party_of(client) -> RelyingParty | None:
    if client is None:
        return None
    try:
        return client.relying_party
    except RelyingParty.DoesNotExist:
        return None


def pkce_required(client_id: str) -> bool:
    """PKCE is required of public clients (apps that cannot keep a secret)."""
    application_model = get_application_model()
    return application_model.objects.filter(
        client_id=client_id, client_type=application_model.CLIENT_PUBLIC
    ).exists()


class OIDCValidator(OAuth2Validator):
    """django-oauth-toolkit's validator with our rules: a relying party asks only for its
    registered scopes, agency systems never get OIDC scopes, and `sub` is pairwise."""

    oidc_claim_scope = {claim: scope for scope, claims in SCOPE_CLAIMS.items() for claim in claims}

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        party = relying_party_of(client)
        if party is None:
            # An agency system (client credentials): its API scopes, never the OIDC ones.
            if set(scopes) & set(SCOPE_CLAIMS):
                return False
            return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)
        return party.is_active and set(scopes) <= set(party.scopes)

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        # django-oauth-toolkit also accepts extra query parameters on a registered address; a
        # site's redirect must be one of its registered addresses, character for character.
        if relying_party_of(request.client) is not None:
            return redirect_uri in request.client.redirect_uris.split()
        return super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        if relying_party_of(request.client) is not None:
            return ["openid"]
        return super().get_default_scopes(client_id, request, *args, **kwargs)

    def validate_client_id(self, client_id, request, *args, **kwargs):
        if not super().validate_client_id(client_id, request, *args, **kwargs):
            return False
        party = relying_party_of(request.client)
        return party is None or party.is_active

    def get_claim_dict(self, request):
        user, party = request.user, relying_party_of(request.client)
        resident = user.resident if user.resident_id else None
        claims = {
            "sub": pairwise_subject(
                user_id=user.pk,
                sector_identifier=party.sector_identifier if party else request.client.client_id,
            ),
        }
        if resident is not None:
            claims["name"] = resident.name_ko
            claims["birthdate"] = resident.birth_date.isoformat()
        if user.email:
            claims["email"] = user.email
        return claims

    def get_discovery_claims(self, request):
        return list(CLAIM_LABELS)

    def get_additional_claims(self, request):
        return {}
