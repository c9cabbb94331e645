"""`egov seed` brings procurement at every stage, and each tender's OCDS passes the checker."""

import time

import pytest
from django.core.management import call_command

from egov.accounts.models import User
from egov.procurement import ocds, services
from egov.procurement.models import Bid, Contract, Milestone, Payment, Supplier, Tender
from egov.procurement.seed import procurement_seed
from egov.procurement.selectors import bids_open
from egov.registry.seed import nation_seed
from tests.procurement.conftest import seal
from tests.procurement.test_ocds_tooling import (  # noqa: F401 - the checker's fixtures
    cove,
    get_json,
    offline,
    schema_zip,
)


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    nation_seed(residents=300, seed=7)
    started = time.monotonic()
    counts = procurement_seed(seed=7)
    return counts, time.monotonic() - started


def _stages() -> dict[str, list[Tender]]:
    stages: dict[str, list[Tender]] = {}
    for tender in Tender.objects.all():
        contract = Contract.objects.filter(tender=tender).first()
        if contract is not None:
            stage = "contracted"
        elif hasattr(tender, "award"):
            stage = f"awarded:{tender.award_method}"
        elif tender.state == Tender.State.OPENED:
            stage = "opened"
        else:
            stage = "open" if bids_open(tender) else "closed"
        stages.setdefault(stage, []).append(tender)
    return stages


def test_the_seed_makes_every_stage_through_the_services(seeded, client, cove):  # noqa: F811
    counts, seconds = seeded
    assert counts == {"suppliers": 5, "tenders": 6, "contracts": 1}
    assert seconds < 10
    stages = _stages()
    assert sorted(stages) == [
        "awarded:lowest_price",
        "awarded:multiple_reserve_price",
        "closed",
        "contracted",
        "open",
        "opened",
    ]
    # Real sealed bids, opened with real shares: every opened bid decrypted, bar the one sealed
    # for another supplier; every receipt (moved into the past) verifies.
    opened_bids = Bid.objects.filter(tender__state=Tender.State.OPENED)
    assert opened_bids.filter(price__isnull=False).count() == opened_bids.count() - 1
    assert "does not decrypt" in opened_bids.get(price__isnull=True).invalid_reason
    for bid in Bid.objects.select_related("tender", "supplier__business"):
        assert services.receipt_verify(bid) == ""
        assert bid.submitted_at < bid.tender.deadline
    assert all(t.published_at < t.deadline for t in Tender.objects.all())
    [contract] = Contract.objects.all()
    assert contract.supplier.business.pk in User.objects.get(username="business").representations.values_list(
        "business_id", flat=True
    )
    assert Milestone.objects.filter(state="accepted").count() == 1 and Payment.objects.count() == 1
    assert Supplier.objects.count() == 5
    for tenders in stages.values():
        for tender in tenders:
            package = get_json(client, f"/api/v1/procurement/ocds/{ocds.ocid_of(tender)}")
            cove(package)
    contracted = get_json(client, f"/api/v1/procurement/ocds/{ocds.ocid_of(contract.tender)}")
    assert [r["tag"][0] for r in contracted["releases"]][-5:] == ["contract"] + ["implementation"] * 4
    assert client.get(f"/api/v1/procurement/tenders/{contract.tender.number}/contract").status_code == 200


def test_the_demo_business_can_bid_on_the_open_tender(seeded):
    demo = User.objects.get(username="business")
    [open_tender] = _stages()["open"]
    supplier = Supplier.objects.get(business__pk__in=demo.representations.values("business_id"))
    bid = services.bid_submit(
        actor=demo,
        number=open_tender.number,
        brn=supplier.business.brn,
        sealed=seal(open_tender, supplier.business.brn, 45_000_000),
    )
    assert bid.state == Bid.State.LIVE


def test_the_seed_runs_once(seeded):
    assert procurement_seed(seed=7) == {}
    assert Tender.objects.count() == 6


def test_egov_seed_includes_procurement(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed", "--residents", "300", verbosity=0)
    assert Tender.objects.count() == 6 and Contract.objects.count() == 1
    call_command("seed", "--residents", "300", "--if-empty", verbosity=0)
    assert Tender.objects.count() == 6
