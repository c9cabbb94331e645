"""Tax's step of `egov seed`: a tax office under the National Tax Service for each metropolitan
government, e-tax invoices both ways between the demo business and a few others (one amended),
the demo business's VAT return for 2026-1 filed (with its payment order) and the one for
2025-2 being prepared, so the pages show a filed and an open period; for year-end settlement
(연말정산 간소화) the four providers of deduction data with their shared items, deduction data
of last year (and the year before) for the demo citizen and a few other residents, and the demo
citizen's data gathered and given to the demo business as their employer."""

import datetime as dt

from django.utils import timezone

from egov.accounts.models import BusinessRepresentation, User
from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.exchange.services import shared_item_sync
from egov.registry.models import Agency, Business, Resident
from egov.tax.models import (
    DeductionRecord,
    TaxInvoice,
    TaxOffice,
    VatReturn,
    WithholdingStatement,
    YearEndPackage,
)
from egov.tax.services.invoices import tax_invoices_issue
from egov.tax.services.taxpayers import taxpayer_register_business
from egov.tax.services.vat import vat_return_file, vat_return_prepare
from egov.tax.services.withholding import withholding_file
from egov.tax.services.yearend import yearend_give, yearend_prefill
from egov.tax.shared import YEAREND_PROVIDERS

NTS = "1210000"
# Metropolitan government -> (code, name) of the tax office the demo gives it.
OFFICES = {
    "6110000": ("1210101", "종로세무서", "Jongno Tax Office"),
    "6260000": ("1210102", "중부산세무서", "Jungbusan Tax Office"),
    "6270000": ("1210103", "동대구세무서", "Dongdaegu Tax Office"),
    "6280000": ("1210104", "인천세무서", "Incheon Tax Office"),
    "6290000": ("1210105", "광주세무서", "Gwangju Tax Office"),
    "6300000": ("1210106", "대전세무서", "Daejeon Tax Office"),
    "6310000": ("1210107", "울산세무서", "Ulsan Tax Office"),
}
ITEMS = (
    ("사무용 노트북", 1_200_000),
    ("복합기 토너", 85_000),
    ("물류 대행 용역", 2_400_000),
    ("포장재", 310_000),
)


def seed_present() -> bool:
    return TaxOffice.objects.exists()


def _offices() -> int:
    nts = Agency.objects.filter(code=NTS).first()
    if nts is None:
        return 0
    made = 0
    for metro in Agency.objects.filter(code__in=OFFICES):
        code, name_ko, name_en = OFFICES[metro.code]
        agency, _ = Agency.objects.get_or_create(
            code=code, defaults={"name_ko": name_ko, "name_en": name_en, "kind": "office", "parent": nts}
        )
        office, created = TaxOffice.objects.get_or_create(agency=agency)
        office.jurisdictions.add(metro)
        made += created
    return made


def _invoice(ref: str, buyer: Business, day: dt.date, n: int, **extra) -> dict:
    name, price = ITEMS[n % len(ITEMS)]
    quantity = 1 + n % 3
    supply = price * quantity
    tax = supply // 10
    return {
        "issuer_ref": ref, "buyer_brn": buyer.brn, "write_date": day, "supply_amount": supply,
        "tax_amount": tax, "total_amount": supply + tax,
        "lines": [{"name": name, "quantity": quantity, "unit_price": price, "supply_amount": supply,
                   "tax_amount": tax}],
        **extra,
    }  # fmt: skip


def seed_step(*, options: SeedOptions) -> SeedReport:
    offices = _offices()
    if not offices and not TaxOffice.objects.exists():
        return SeedReport(lines=["tax: no National Tax Service agency to seed tax offices under"])
    user = User.objects.filter(username="business", kind=User.Kind.BUSINESS).first()
    represented = BusinessRepresentation.objects.filter(user=user).values("business_id") if user else []
    mine = Business.objects.filter(pk__in=represented, status=Business.Status.ACTIVE).order_by("pk").first()
    others = list(
        Business.objects.filter(status=Business.Status.ACTIVE).exclude(pk__in=represented).order_by("pk")[:3]
    )
    if mine is None or len(others) < 3:
        return SeedReport(lines=[summary_line("tax", {"tax offices": offices})])
    for business in (mine, *others):
        taxpayer_register_business(actor=None, business=business)
    periods = {
        "2025-2": (dt.date(2025, 9, 1), 30),
        "2026-1": (dt.date(2026, 2, 2), 29),
        "2026-2": (dt.date(2026, 8, 3), 17),
    }
    today = timezone.localdate()
    for period, (start, step) in periods.items():
        sales = [
            _invoice(f"DEMO-{period}-S{n}", others[n % 2], min(start + dt.timedelta(days=step * n), today), n)
            for n in range(4)
        ]
        tax_invoices_issue(actor=user, issuer=mine, items=sales)
        for n, seller in enumerate(others[1:]):
            day = min(start + dt.timedelta(days=step * n + 5), today)
            tax_invoices_issue(
                actor=None, issuer=seller, items=[_invoice(f"DEMO-{period}-P{n}", mine, day, n + 2)]
            )
    # The buyer returned a laptop: an amended invoice (수정사유 3, 환입) with negative amounts.
    original = TaxInvoice.objects.get(issuer=mine, issuer_ref="DEMO-2026-2-S0")
    line = {"name": "사무용 노트북 반품", "quantity": -1, "unit_price": 1_200_000,
            "supply_amount": -1_200_000, "tax_amount": -120_000}  # fmt: skip
    amended = {
        "issuer_ref": "DEMO-2026-2-S0-R", "buyer_brn": original.buyer.brn,
        "write_date": min(dt.date(2026, 9, 15), today),
        "supply_amount": -1_200_000, "tax_amount": -120_000, "total_amount": -1_320_000, "lines": [line],
        "amends": original.approval_number, "amendment_reason": "3",
    }  # fmt: skip
    tax_invoices_issue(actor=user, issuer=mine, items=[amended])
    filed = vat_return_prepare(actor=user, business=mine, period="2026-1", today=dt.date(2026, 7, 10))
    if filed.state == VatReturn.State.DRAFT:
        vat_return_file(actor=user, vat_return=filed, other_sales_supply=500_000, other_sales_tax=50_000,
                        today=dt.date(2026, 7, 20))  # fmt: skip
    vat_return_prepare(actor=user, business=mine, period="2025-2", today=dt.date(2026, 1, 10))
    _yearend(mine, user)
    counts = {
        "tax offices": TaxOffice.objects.count(),
        "e-tax invoices": TaxInvoice.objects.count(),
        "VAT returns filed": VatReturn.objects.exclude(state="draft").count(),
        "being prepared": VatReturn.objects.filter(state="draft").count(),
        "deduction records": DeductionRecord.objects.count(),
        "year-end data given": YearEndPackage.objects.exclude(employer=None).count(),
        "withholding statements": WithholdingStatement.objects.count(),
    }
    return SeedReport(lines=[summary_line("tax", counts)])


# (kind, payee, amount) of a resident's year: the demo's deduction data.
DEDUCTIONS = (
    ("insurance", "한빛생명보험", 1_080_000),
    ("medical", "서울대학교병원", 732_400),
    ("medical", "종로온누리약국", 48_600),
    ("education", "한국방송통신대학교", 1_460_000),
    ("card", "한빛카드", 14_820_000),
    ("card", "다온체크카드", 3_215_000),
)


def _yearend(employer: Business, user) -> None:
    """Providers and their shared items, deduction data, the demo citizen's year gathered and
    given to `employer`, whose representative `user` files the withholding statement (총급여
    42,000,000 won, 2,280,000 won withheld: a refund)."""
    providers = {}
    for kind, _code, code, (name_ko, name_en), _names in YEAREND_PROVIDERS:
        providers[kind], _created = Agency.objects.get_or_create(
            code=code,
            defaults={"name_ko": name_ko, "name_en": name_en,
                      "kind": "third_party" if code.startswith("9") else "ministry"},
        )  # fmt: skip
    shared_item_sync()
    citizen = User.objects.filter(username="citizen").select_related("resident").first()
    residents = list(Resident.objects.exclude(pk=getattr(citizen, "resident_id", None)).order_by("pk")[:5])
    if citizen is not None and citizen.resident is not None:
        residents.insert(0, citizen.resident)
    last = timezone.localdate().year - 1
    rows = []
    for n, resident in enumerate(residents):
        for year in (last, last - 1):
            for kind, payee, amount in DEDUCTIONS:
                scaled = amount * (90 + 7 * n + (last - year) * 3) // 100
                rows.append(DeductionRecord(provider=providers[kind], resident=resident, year=year, kind=kind,
                                            payee=payee, amount=scaled))  # fmt: skip
    DeductionRecord.objects.bulk_create(rows)
    if citizen is not None and citizen.resident is not None:
        yearend_prefill(actor=citizen, year=last, consent=True)
        package = yearend_give(actor=citizen, year=last, brn=employer.brn, consent=True)
        withholding_file(actor=user, business=employer, package_pk=package.pk, total_pay=42_000_000,
                         withheld_tax=2_280_000)  # fmt: skip
