"""Test data built through the platform's own rules (valid check digits, encrypted IDs).

The named cast: the Ministry of the Interior (MOIS) above Seoul, above Jongno-gu and
Gangnam-gu; Busan stands apart. Alice is a citizen of Jongno-gu; Bob is a registrar there;
Carol is a registrar in Gangnam-gu; Dave is a registrar in Busan who must never see Seoul's
registers.
"""

import datetime as dt
import itertools

from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import OfficialRole, User
from egov.core.crypto import blind_index, encrypt_id
from egov.core.ids import brn_check_digit, rrn_build, vin_with_check_digit
from egov.registry.models import Agency, Business, Household, Resident, Vehicle

_serial = itertools.count(1)


def agency(code: str, name_ko: str, name_en: str, parent: Agency | None = None, kind="local") -> Agency:
    return Agency.objects.get_or_create(
        code=code, defaults={"name_ko": name_ko, "name_en": name_en, "parent": parent, "kind": kind}
    )[0]


def rrn(birth_date: dt.date = dt.date(1990, 1, 1), sex: str = "M") -> str:
    digits = rrn_build(birth_date, sex, next(_serial))
    return f"{digits[:6]}-{digits[6:]}"


def resident(
    agency: Agency,
    name_ko: str = "김민준",
    name_en: str = "Kim Minjun",
    birth_date: dt.date = dt.date(1990, 1, 1),
    sex: str = "M",
    household: Household | None = None,
    relation_to_head: str = "",
    number: str | None = None,
) -> Resident:
    digits = (number or rrn(birth_date, sex)).replace("-", "")
    person = Resident.objects.create(
        rrn_encrypted=encrypt_id(digits),
        rrn_index=blind_index(digits),
        rrn_head=digits[:7],
        name_ko=name_ko,
        name_en=name_en,
        birth_date=birth_date,
        sex=sex,
        agency=agency,
        road_address="서울특별시 종로구 세종대로 209",
        address_detail="101호",
        postal_code="03154",
        sido="서울특별시",
        sigungu="종로구",
        road_name="세종대로",
        building_number="209",
        household=household,
        relation_to_head=relation_to_head,
    )
    if household is None:
        household = Household.objects.create(
            number=f"HH-{person.pk:08d}",
            agency=agency,
            head=person,
            formed_on=birth_date,
            road_address=person.road_address,
            address_detail=person.address_detail,
            postal_code=person.postal_code,
            sido=person.sido,
            sigungu=person.sigungu,
            road_name=person.road_name,
            building_number=person.building_number,
        )
        person.household = household
        person.relation_to_head = "head"
        person.save()
    return person


def official(username: str, agency: Agency, roles=("viewer", "registrar"), password="pw") -> User:
    user = User.objects.create_user(username=username, password=password, kind="official", agency=agency)
    for role in roles:
        OfficialRole.objects.create(user=user, role=role)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def citizen(username: str, person: Resident, password="pw") -> User:
    return User.objects.create_user(username=username, password=password, kind="citizen", resident=person)


def brn(serial: int | None = None) -> str:
    nine = f"{(serial or next(_serial)) % 10**9:09d}"
    nine = "1" + nine[1:]
    return nine + str(brn_check_digit(nine))


def business(agency: Agency, representative: Resident, name: str = "한빛상사", status="active") -> Business:
    return Business.objects.create(
        brn=brn(),
        name=name,
        representative=representative,
        agency=agency,
        status=status,
        opened_on=dt.date(2015, 3, 1),
        road_address="서울특별시 종로구 종로 1",
        postal_code="03154",
        sido="서울특별시",
        sigungu="종로구",
        road_name="종로",
        building_number="1",
    )


def vehicle(agency: Agency, owner: Resident, plate: str | None = None) -> Vehicle:
    n = next(_serial)
    vin = vin_with_check_digit(f"KMHD341CB{n % 10**8:08d}")
    return Vehicle.objects.create(
        plate=plate or f"{10 + n % 90}가{n % 10000:04d}",
        vin=vin,
        model_name="Avante",
        model_year=2020,
        owner_resident=owner,
        agency=agency,
        registered_on=dt.date(2020, 5, 1),
    )
