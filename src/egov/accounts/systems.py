"""Agency systems: the information systems that call the platform's APIs with OAuth2
client-credentials tokens (django-oauth-toolkit issues them at /api/v1/oauth/token)."""

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from egov.accounts.models import AgencySystem
from egov.accounts.permissions import require_role
from egov.core.audit import audit_record
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed

if TYPE_CHECKING:  # the registry sits above accounts: its model is only named here
    from egov.registry.models import Agency


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Name the system."), field="name")
    if len(name) > 100 or not name.isprintable():
        raise ValidationFailed(_("The name is too long or has invalid characters."), field="name")
    return name


@transaction.atomic
def agency_system_register(*, actor, name: str, agency: "Agency | None" = None) -> tuple[AgencySystem, str]:
    """Register an information system of an agency as an OAuth2 client and return it with
    its client secret, in clear this once (only a hash is stored).

    `actor` is an official with the role agency_admin; the system belongs to their agency,
    or to `agency` if it is one they administer (their own or one below it). `actor=None`
    is the platform operator at the console (`egov agency_system_create`), who must name
    `agency`. The client uses the client-credentials grant only and is confidential.
    """
    if actor is None:
        if agency is None:
            raise ValidationFailed(_("Name the agency."), field="agency")
    else:
        require_role(actor, "agency_admin", agency_id=agency.pk if agency else None)
        agency = agency or actor.agency
        if agency is None:
            raise PermissionDenied(_("Only an agency's administrator registers its systems."))
    name = _clean_name(name)
    if AgencySystem.objects.filter(agency=agency, name=name).exists():
        raise Conflict(_("This agency already has a system with this name."), field="name")
    secret = generate_client_secret()
    application = Application(
        name=f"{agency.code}/{name}",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,  # hashed on save (hash_client_secret defaults to True)
    )
    application.save()
    try:
        with transaction.atomic():
            system = AgencySystem.objects.create(
                agency=agency, name=name, client_id=application.client_id, application=application
            )
    except IntegrityError:
        # Two registrations of the same name at once: the unique constraint decides.
        raise Conflict(_("This agency already has a system with this name."), field="name") from None
    audit_record(
        actor=actor,
        action="agency_system.register",
        obj=system,
        after={"agency": agency.code, "name": name, "client_id": system.client_id},
        reason="" if actor is not None else "egov agency_system_create (operator console)",
    )
    return system, secret
