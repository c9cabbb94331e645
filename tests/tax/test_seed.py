"""`egov seed` gives tax offices, invoices both ways, a filed and an open VAT period."""

import pytest

from egov.accounts.models import User
from egov.core.seeding import SeedOptions
from egov.registry.seed import nation_seed
from egov.tax import cii, seed
from egov.tax.models import TaxInvoice, TaxOffice, Taxpayer, VatReturn


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    nation_seed(residents=300, seed=7)
    report = seed.seed_step(options=SeedOptions(residents=300, seed=7))
    return report


def test_the_seed_makes_offices_invoices_both_ways_and_a_filed_and_an_open_return(seeded):
    assert TaxOffice.objects.filter(agency__name_ko="종로세무서").exists()
    business = User.objects.get(username="business")
    mine = Taxpayer.objects.get(
        business__in=[r.business for r in business.representations.all()][:1]
    ).business
    assert TaxInvoice.objects.filter(issuer=mine).exists() and TaxInvoice.objects.filter(buyer=mine).exists()
    assert TaxInvoice.objects.filter(issuer=mine, kind="amended").count() == 1
    states = dict(VatReturn.objects.filter(business=mine).values_list("period", "state"))
    assert states == {"2026-1": "filed", "2025-2": "draft"}
    cii.xml_validate(bytes(TaxInvoice.objects.first().xml))
    assert seed.seed_present()
    assert "tax" in seeded.lines[0]


def test_the_seed_gives_year_end_data_and_the_demo_citizens_year_to_the_demo_employer(seeded):
    from django.utils import timezone

    from egov.exchange.models import AccessLogEntry
    from egov.tax.models import DeductionRecord, YearEndPackage

    citizen = User.objects.get(username="citizen")
    assert DeductionRecord.objects.filter(resident=citizen.resident).values("kind").distinct().count() == 4
    package = YearEndPackage.objects.get(resident=citizen.resident)
    assert package.year == timezone.localdate().year - 1 and package.total > 0
    business = User.objects.get(username="business")
    assert package.employer in [r.business for r in business.representations.all()]
    assert AccessLogEntry.objects.filter(item_code__startswith="yearend.", outcome="granted").count() == 4


def test_the_demo_business_filed_the_withholding_statement_of_the_demo_citizen_a_refund(seeded):
    from egov.tax.models import WithholdingStatement, YearEndPackage

    citizen = User.objects.get(username="citizen")
    statement = WithholdingStatement.objects.get(resident=citizen.resident)
    assert statement.package == YearEndPackage.objects.get(resident=citizen.resident)
    assert statement.employer == statement.package.employer and statement.version == 1
    # 42,000,000 won of pay, 2,280,000 withheld; the citizen's data (90 % of DEDUCTIONS): card
    # 16,231,500 -> 859,725 deducted; 산출세액 2,953,541; credits 668,000 + 116,640 + 197,100;
    # 1,971,801 - 2,280,000 = -308,199, cut to the ten won.
    assert statement.result["determined_tax"] == 1_971_801
    assert statement.balance == -308_190 and statement.refund > 0
