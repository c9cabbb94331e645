"""Government sites that sign people in through our OpenID Connect provider (relying parties)."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from egov.accounts.models import RelyingParty, User
from egov.accounts.oidc import SCOPE_CLAIMS
from egov.core.audit import audit_record
from egov.core.errors import PermissionDenied, ValidationFailed


def _uris(text: str, field: str) -> list[str]:
    uris = text.split()
    for uri in uris:
        parts = urlsplit(uri)
        if parts.scheme != "https" or not parts.hostname or parts.fragment or "*" in uri:
            raise ValidationFailed(
                _("Each address must be a full https:// address without wildcards or #fragments."),
                field=field,
            )
    return uris


def relying_party_register(
    *,
    actor: User,
    name: str,
    redirect_uris: str,
    public: bool,
    scopes: list[str],
    sector_identifier: str = "",
    post_logout_redirect_uris: str = "",
) -> tuple[RelyingParty, str]:
    """Register a site. Returns it and, for a confidential client, its client secret (shown
    once: only its hash is stored). Redirect addresses are matched exactly. The sector
    identifier (the key of its pairwise subjects) is the redirect host unless given; sites whose
    redirect addresses are on several hosts must name one."""
    if not (actor.is_superuser or actor.kind == User.Kind.OPERATOR):
        raise PermissionDenied(_("Only operators register sites."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the site's name."), field="name")
    uris = _uris(redirect_uris, "redirect_uris")
    if not uris:
        raise ValidationFailed(_("Enter at least one redirect address."), field="redirect_uris")
    logout_uris = _uris(post_logout_redirect_uris, "post_logout_redirect_uris")
    unknown = set(scopes) - set(SCOPE_CLAIMS)
    if unknown or "openid" not in scopes:
        raise ValidationFailed(_("Choose from the listed scopes, including openid."), field="scopes")
    hosts = {urlsplit(uri).hostname for uri in uris}
    sector = (sector_identifier or "").strip()
    if not sector:
        if len(hosts) > 1:
            raise ValidationFailed(
                _("The redirect addresses are on several hosts: name the sector identifier."),
                field="sector_identifier",
            )
        sector = hosts.pop()
    application_model = get_application_model()
    secret = "" if public else generate_client_secret()
    with transaction.atomic():
        application = application_model(
            name=name[:255],
            client_type=application_model.CLIENT_PUBLIC if public else application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(uris),
            post_logout_redirect_uris=" ".join(logout_uris),
            algorithm=application_model.RS256_ALGORITHM,
            client_secret=secret,
            hash_client_secret=True,
            skip_authorization=False,
        )
        try:
            application.full_clean(exclude=["client_secret", "user", "client_id"])
        except DjangoValidationError as exc:
            raise ValidationFailed(" ".join(exc.messages), field="redirect_uris") from None
        application.save()
        party = RelyingParty.objects.create(
            application=application,
            name=name[:100],
            sector_identifier=sector,
            allowed_scopes=" ".join(sorted(set(scopes), key=list(SCOPE_CLAIMS).index)),
            registered_by=actor,
        )
        audit_record(
            actor=actor,
            action="relying_party.registered",
            obj=party,
            after={"client_id": application.client_id, "scopes": party.allowed_scopes, "sector": sector},
        )
    return party, secret


def relying_party_consent_record(
    *, user: User, party: RelyingParty, scopes: list[str], allowed: bool
) -> None:
    """The person's answer on the consent screen, kept in the audit trail."""
    audit_record(
        actor=user,
        action="relying_party.consent" if allowed else "relying_party.consent_refused",
        obj=party,
        after={"scopes": " ".join(scopes)},
    )
