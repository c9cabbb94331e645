"""The Korea Customs Service (관세청) and its customs offices (세관), agencies of the registry.
A declaration goes to the office of its port: of discharge for an import, of loading for an
export; any other port to Seoul."""

from django.utils.translation import gettext as _

from egov.accounts.permissions import require_role
from egov.core.errors import PermissionDenied

KCS = "1220000"
SEOUL = "1221000"
BUSAN = "1222000"
INCHEON = "1223000"

OFFICES = {
    KCS: ("관세청", "Korea Customs Service"),
    SEOUL: ("서울세관", "Seoul Customs"),
    BUSAN: ("부산세관", "Busan Customs"),
    INCHEON: ("인천세관", "Incheon Customs"),
}
PORT_OFFICES = {"KRPUS": BUSAN, "KRINC": INCHEON, "KRICN": INCHEON, "KRSEL": SEOUL, "KRGMP": SEOUL}


def office_code_for(*, kind: str, port_of_loading: str, port_of_discharge: str) -> str:
    port = port_of_discharge if kind == "import" else port_of_loading
    return PORT_OFFICES.get(port, SEOUL)


def customs_official_require(actor, role: str) -> None:
    """Refuse anyone but an official of the KCS or a customs office under it holding `role`."""
    require_role(actor, role)
    agency = actor.agency
    if agency.code != KCS and (agency.parent is None or agency.parent.code != KCS):
        raise PermissionDenied(_("This is done by customs officials."))
