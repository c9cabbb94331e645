"""The demo logins: a citizen, a business owner and officials of a few agencies, with
TOTP keys derived from the seed so the demo's authenticator codes are reproducible."""

import datetime as dt
import hashlib
import hmac

from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import BusinessRepresentation, OfficialRole, User
from egov.registry.models import Agency, Business, Resident
from egov.registry.seed.data import BUSAN, GANGNAM, JONGNO, MOIS, NTS, SEOUL
from egov.registry.seed.generator import Nation

# (username, agency code, roles)
DEMO_OFFICIALS = (
    ("official.jongno", JONGNO, ("viewer", "registrar", "id_revealer")),
    ("official.gangnam", GANGNAM, ("viewer", "registrar")),
    ("official.seoul", SEOUL, ("viewer",)),
    ("official.busan", BUSAN, ("viewer", "registrar")),
    ("official.mois", MOIS[0], ("viewer", "agency_admin")),
    # Businesses are registered with the National Tax Service, outside the MOIS hierarchy.
    ("official.nts", NTS[0], ("viewer", "registrar")),
)
DEMO_USERNAMES = ("citizen", "business", *(official[0] for official in DEMO_OFFICIALS))


def demo_totp_key(*, seed: int, username: str) -> str:
    """The demo official's TOTP key (hex, 20 bytes), the same for every seed run with `seed`."""
    return hmac.new(b"egov-demo-totp", f"{seed}:{username}".encode(), hashlib.sha256).hexdigest()[:40]


def demo_users_create(*, seed: int, nation: Nation, password_hash: str) -> list[str]:
    """Create the demo logins for the demo households `nation` drew (citizen, business owner,
    officials with their roles and TOTP devices); return their usernames."""
    pools = nation.pools
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[o[1] for o in DEMO_OFFICIALS])}
    citizen_resident = Resident.objects.get(pk=nation.demo["citizen_resident"])
    business_resident = Resident.objects.get(pk=nation.demo["business_resident"])
    common = {"password": password_hash, "is_demo": True}
    User.objects.create(
        username="citizen",
        kind=User.Kind.CITIZEN,
        resident=citizen_resident,
        first_name=citizen_resident.name_ko[1:],
        last_name=citizen_resident.name_ko[:1],
        **common,
    )
    business_user = User.objects.create(
        username="business",
        kind=User.Kind.BUSINESS,
        resident=business_resident,
        first_name=business_resident.name_ko[1:],
        last_name=business_resident.name_ko[:1],
        **common,
    )
    for business in Business.objects.filter(pk__in=nation.demo["businesses"]):
        BusinessRepresentation.objects.create(user=business_user, business=business, since=business.opened_on)
    names = ["citizen", "business"]
    for username, code, roles in DEMO_OFFICIALS:
        sex = nation.rng.choice("MF")
        user = User.objects.create(
            username=username,
            kind=User.Kind.OFFICIAL,
            agency=agencies[code],
            first_name=pools.given_name(sex, dt.date(1980, 1, 1)),
            last_name=pools.family_name(),
            **common,
        )
        OfficialRole.objects.bulk_create(OfficialRole(user=user, role=role) for role in roles)
        TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=True, key=demo_totp_key(seed=seed, username=username)
        )
        names.append(username)
    return names
