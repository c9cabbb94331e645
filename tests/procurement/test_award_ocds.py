import json
import os
import zipfile
from pathlib import Path

import pytest

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.procurement import ocds, services
from egov.procurement.models import Award, Tender
from tests.conftest import login_official
from tests.procurement.conftest import close, seal, tender_kwargs

STANDARDS = Path(
    os.environ.get("EGOV_STANDARDS_DIR", Path(__file__).resolve().parents[3] / "shared" / "standards")
)
SCHEMA_ZIP = STANDARDS / "ocds-standard-1.1.5-schema.zip"


def open_tender(tender, committee, shares):
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    tender.refresh_from_db()


@pytest.fixture
def opened(tender, committee, shares, hana, hanbit, hanbit_supplier, minsu, donghae, donghae_supplier):
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70_100_000)
    )
    services.bid_submit(
        actor=minsu, number=tender.number, brn=donghae.brn, sealed=seal(tender, donghae.brn, 69_900_000)
    )
    open_tender(tender, committee, shares)
    return tender


def test_the_lowest_valid_price_wins_and_the_reason_is_published(opened, bob, client):
    award = services.tender_award(actor=bob, number=opened.number)
    assert award.bid.supplier.business.name == "동해건설"
    assert award.amount == 69_900_000
    assert "69,900,000" in award.reason
    body = client.get(f"/api/v1/procurement/tenders/{opened.number}").json()
    assert body["award"]["amount"] == 69_900_000
    with pytest.raises(Conflict):
        services.tender_award(actor=bob, number=opened.number)


def test_no_award_before_the_opening_or_by_another_agency(tender, bob, carol, committee):
    with pytest.raises(Conflict):
        services.tender_award(actor=bob, number=tender.number)
    with pytest.raises(NotFound):
        services.tender_award(actor=carol, number=tender.number)
    with pytest.raises(PermissionDenied):
        services.tender_award(actor=committee[0], number=tender.number)  # a viewer on the committee


def test_a_tender_without_a_valid_bid_is_not_awarded(tender, bob, committee, shares):
    open_tender(tender, committee, shares)
    with pytest.raises(ValidationFailed) as exc:
        services.tender_award(actor=bob, number=tender.number)
    assert exc.value.code == "no_valid_bid"
    assert not Award.objects.exists()


def test_the_multiple_reserve_price_method_is_refused_for_now(bob, committee, shares):
    tender = services.tender_publish(
        actor=bob, **tender_kwargs(committee, award_method="multiple_reserve_price")
    )
    for member in committee:
        shares[member.username] = services.committee_share_collect(actor=member, number=tender.number)
    open_tender(tender, committee, shares)
    with pytest.raises(ValidationFailed) as exc:
        services.tender_award(actor=bob, number=tender.number)
    assert exc.value.code == "not_supported"


def test_bob_awards_from_the_back_office(client, opened, bob):
    login_official(client, bob)
    assert (
        "Award (lowest price)" in client.get(f"/office/procurement/tenders/{opened.number}/").content.decode()
    )
    answer = client.post(f"/office/procurement/tenders/{opened.number}/award", follow=True)
    assert "Lowest price among 2 valid bids" in answer.content.decode()


def _release_validator():
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA_ZIP.exists():
        pytest.skip(f"the OCDS schema is not at {SCHEMA_ZIP} (set EGOV_STANDARDS_DIR)")
    with zipfile.ZipFile(SCHEMA_ZIP) as archive:
        schema = json.loads(archive.read("standard-1__1__5/schema/release-schema.json"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def _errors(validator, release):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(release)]


def test_every_stage_is_a_valid_ocds_release(
    client, tender, bob, committee, shares, hana, hanbit, hanbit_supplier
):
    validator = _release_validator()
    ocid = ocds.ocid_of(tender)
    stages = []

    def fetch():
        answer = client.get(f"/api/v1/procurement/ocds/{ocid}")
        assert answer.status_code == 200
        package = answer.json()
        assert package["version"] == "1.1"
        release = package["releases"][0]
        assert _errors(validator, release) == []
        stages.append(release)
        return release

    assert fetch()["tag"] == ["tender"]
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70_000_000)
    )
    sealed_stage = fetch()
    assert sealed_stage["bids"]["statistics"][0]["value"] == 1
    assert "details" not in sealed_stage["bids"] and "70000000" not in json.dumps(sealed_stage)
    services.tender_amend(
        actor=bob, number=tender.number, reason="Spec corrected", description="14 inch, 16 GB"
    )
    assert fetch()["tag"] == ["tenderAmendment"]
    open_tender(tender, committee, shares)
    opened = fetch()
    assert opened["bids"]["details"][0]["value"] == {"amount": 70_000_000, "currency": "KRW"}
    services.tender_award(actor=bob, number=tender.number)
    awarded = fetch()
    assert awarded["tag"] == ["award"] and awarded["tender"]["status"] == "complete"
    assert awarded["awards"][0]["suppliers"][0]["id"] == f"KR-BRN-{hanbit.brn}"
    assert len({s["id"] for s in stages}) == len(stages) - 1  # the two 'tender' stages share one id
    assert all(s["ocid"] == ocid for s in stages)


def test_an_unknown_ocid_answers_404(client, tender):
    assert client.get("/api/v1/procurement/ocds/ocds-other-1").status_code == 404
    assert client.get(f"/api/v1/procurement/ocds/{ocds.ocid_prefix()}-nope").status_code == 404
    assert Tender.objects.count() == 1
