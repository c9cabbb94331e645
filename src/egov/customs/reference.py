"""Reference data customs needs to run: the customs offices, the demonstration tariff subset
and exchange rates, and the single window's permit item with its grant. Used by the seed and
by tests; each function may run twice."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from egov.accounts.models import AgencySystem
from egov.accounts.systems import agency_system_register
from egov.customs.demo_tariff import EXTRA, HEADINGS, SUBDIVISIONS
from egov.customs.models import ExchangeRate, TariffHeading, TariffRate
from egov.customs.offices import KCS, OFFICES
from egov.customs.shared import QUARANTINE, QUARANTINE_ITEM
from egov.exchange.models import Grant, SharedItem
from egov.exchange.services import shared_item_sync
from egov.registry.models import Agency

CUSTOMS_ACT = "관세법 제226조 (Customs Act art. 226: permits and approvals checked at clearance)"
# KRW per unit: demonstration weekly rates (illustrative, not the KCS's published ones)
RATES = {"USD": "1400.00", "EUR": "1500.00", "JPY": "9.30", "CNY": "195.00", "VND": "0.0550", "AUD": "920.00"}


def offices_ensure() -> dict[str, Agency]:
    """The Korea Customs Service and its offices (Seoul, Busan, Incheon) under it."""
    kcs, _ = Agency.objects.get_or_create(
        code=KCS,
        defaults={"name_ko": OFFICES[KCS][0], "name_en": OFFICES[KCS][1], "kind": Agency.Kind.MINISTRY},
    )
    found = {KCS: kcs}
    for code, (name_ko, name_en) in OFFICES.items():
        if code != KCS:
            found[code], _ = Agency.objects.get_or_create(
                code=code,
                defaults={"name_ko": name_ko, "name_en": name_en, "kind": Agency.Kind.OFFICE, "parent": kcs},
            )
    return found


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def tariff_ensure(*, since: dt.date | None = None, lines_per_heading: int = 10) -> int:
    """The demonstration tariff (`demo_tariff`), in force from `since` (default a year ago),
    and this week's and last week's exchange rates. Returns the number of tariff lines."""
    since = since or timezone.localdate() - dt.timedelta(days=365)
    subdivisions = (SUBDIVISIONS + [(s, "", "") for s in EXTRA])[:lines_per_heading]
    headings, rates = [], []
    existing = set(TariffHeading.objects.values_list("code", flat=True))
    for hs6, ko, en, unit, basic, ftas, excise, reference, permit in HEADINGS:
        for suffix, ko_more, en_more in subdivisions:
            code = hs6 + suffix
            if code in existing:
                continue
            heading = TariffHeading(
                code=code,
                hs6=hs6,
                description_ko=ko + ko_more,
                description_en=en + en_more,
                unit=unit,
                reference_unit_price=reference,
                permit_item=permit,
            )
            headings.append(heading)
            rates.append(TariffRate(heading=heading, kind="basic", rate=Decimal(basic), effective_from=since))
            for agreement, rate, countries in ftas:
                rates.append(
                    TariffRate(
                        heading=heading,
                        kind="fta",
                        agreement=agreement,
                        rate=Decimal(rate),
                        origin_countries=countries,
                        proof_required="원산지증명서 (certificate of origin)",
                        effective_from=since,
                    )
                )
            if excise:
                rates.append(
                    TariffRate(heading=heading, kind="excise", rate=Decimal(excise), effective_from=since)
                )
    TariffHeading.objects.bulk_create(headings)
    TariffRate.objects.bulk_create(rates)
    this_week = week_start(timezone.localdate())
    for week in (since, this_week - dt.timedelta(days=7), this_week):
        ExchangeRate.objects.bulk_create(
            [ExchangeRate(currency=c, won_per_unit=Decimal(r), week_from=week) for c, r in RATES.items()],
            ignore_conflicts=True,
        )
    return TariffHeading.objects.count()


def single_window_ensure(*, approver) -> Grant:
    """The quarantine agency, its permit item in the exchange's catalogue, the customs service's
    approved grant on it and the UNI-PASS system that makes the checks."""
    kcs = offices_ensure()[KCS]
    Agency.objects.get_or_create(
        code=QUARANTINE,
        defaults={
            "name_ko": "농림축산검역본부",
            "name_en": "Animal and Plant Quarantine Agency",
            "kind": Agency.Kind.OFFICE,
        },
    )
    shared_item_sync()
    item = SharedItem.objects.get(code=QUARANTINE_ITEM)
    today = timezone.localdate()
    grant, _ = Grant.objects.get_or_create(
        consumer=kcs,
        item=item,
        status="approved",
        defaults={
            "fields": list(item.fields),
            "purpose": "통관 요건 확인 (customs requirement checks)",
            "legal_basis": CUSTOMS_ACT,
            "valid_from": today - dt.timedelta(days=365),
            "valid_until": today + dt.timedelta(days=3 * 365),
            "requested_by": approver,
            "decided_by": approver,
            "decided_at": timezone.now(),
        },
    )
    if not AgencySystem.objects.filter(agency=kcs, name="UNI-PASS").exists():
        agency_system_register(actor=None, name="UNI-PASS", agency=kcs)
    return grant
