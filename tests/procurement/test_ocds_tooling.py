"""OCDS output checked with the standard's own tools, offline.

`libcoveocds` (the Cove checker) validates every package against the OCDS 1.1.5 schema from
the standard's zip (`--standard-zip`) with our bids extension; `ocdskit compile --schema`
recompiles our releases and must give our record's compiled release. Nothing reaches the
network: requests are answered from our own static files (the extension, as our web server
would) and from the standard's zip (the schema files the record package refers to), and any
other request fails the test.
"""

import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import json_merge_patch
import pytest
import requests
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone

from egov.procurement import ocds, services
from egov.procurement.models import Tender
from tests.procurement.conftest import close, seal, tender_kwargs
from tests.standards import standards_file

SCHEMA_ZIP_NAME = "ocds-standard-1.1.5-schema.zip"
STANDARD_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/"


@pytest.fixture
def schema_zip() -> Path:
    return standards_file(SCHEMA_ZIP_NAME)


def _standard_file(schema_zip: Path, name: str) -> bytes:
    with zipfile.ZipFile(schema_zip) as archive:
        return archive.read(f"standard-1__1__5/schema/{name}")


class OfflineAdapter(requests.adapters.BaseAdapter):
    """Answers requests from local files; anything else is a test failure, not a download."""

    def __init__(self, schema_zip: Path):
        super().__init__()
        self.schema_zip = schema_zip
        self.refused: list[str] = []

    def _local(self, url: str) -> bytes | None:
        static = ocds._absolute(settings.STATIC_URL)
        if url.startswith(static) and (path := finders.find(url[len(static) :])):
            return Path(path).read_bytes()
        if url.startswith(STANDARD_SCHEMA_URL):
            return _standard_file(self.schema_zip, url[len(STANDARD_SCHEMA_URL) :])
        return None

    def send(self, request, **kwargs):
        content = self._local(request.url)
        if content is None:
            self.refused.append(request.url)
            raise requests.ConnectionError(f"no network in this test: {request.url}")
        response = requests.Response()
        response.url, response.request, response.status_code = request.url, request, 200
        response._content = content
        response.raw = io.BytesIO(content)
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self):
        pass


@pytest.fixture
def offline(monkeypatch, schema_zip):
    from ocdsextensionregistry import util

    adapter = OfflineAdapter(schema_zip)
    monkeypatch.setattr(requests.Session, "get_adapter", lambda session, url: adapter)
    with util.session.cache_disabled():
        yield adapter
    assert adapter.refused == []


@pytest.fixture
def cove(offline, schema_zip, tmp_path):
    """Check a package with libcoveocds as `libcoveocds --standard-zip <zip>` does."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    def check(package: dict) -> dict:
        config = LibCoveOCDSConfig({"standard_zip": f"file://{schema_zip}", "context": "api"})
        out = tmp_path / f"cove-{len(list(tmp_path.iterdir()))}"
        out.mkdir()
        result = ocds_json_output(str(out), json_data=package, lib_cove_ocds_config=config)
        assert result["validation_errors"] == []
        assert result["extensions"]["invalid_extension"] == {}
        assert [e["url"] for e in result["extensions"]["extensions"]] == [ocds.extension_url()]
        assert result["additional_fields"] == [] and result["all_additional_fields"] == []
        assert result["additional_closed_codelist_values"] == {}
        assert result["additional_checks"] == {}
        return result

    return check


@pytest.fixture
def patched_schema(schema_zip, tmp_path) -> Path:
    """The 1.1.5 release schema with our bids extension applied, as a file for `ocdskit`."""
    schema = json.loads(_standard_file(schema_zip, "release-schema.json"))
    extension = Path(finders.find("procurement/ocds/bids/release-schema.json"))
    schema = json_merge_patch.merge(schema, json.loads(extension.read_text()))
    path = tmp_path / "release-schema.json"
    path.write_text(json.dumps(schema))
    return path


def get_json(client, url: str) -> dict:
    answer = client.get(url)
    assert answer.status_code == 200, answer.content
    if answer.streaming:
        return json.loads(b"".join(answer.streaming_content))
    return answer.json()


def ocdskit_compile(package: dict, schema: Path) -> list[dict]:
    ocdskit = Path(sys.executable).with_name("ocdskit")
    done = subprocess.run(  # noqa: S603 - our own venv's tool on our own data
        [str(ocdskit), "compile", "--schema", str(schema)],
        input=json.dumps(package),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def open_tender(tender, committee, shares):
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    tender.refresh_from_db()


def test_every_stage_is_published_and_passes_the_standards_checker(
    client,
    cove,
    tender,
    bob,
    committee,
    shares,
    hana,
    hanbit,
    hanbit_supplier,
    minsu,
    donghae,
    donghae_supplier,
):
    ocid = ocds.ocid_of(tender)
    url = f"/api/v1/procurement/ocds/{ocid}"

    published = get_json(client, url)
    assert [r["tag"] for r in published["releases"]] == [["tender"]]
    cove(published)

    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70_100_000)
    )
    services.tender_amend(
        actor=bob, number=tender.number, reason="Spec corrected", description="14 inch, 16 GB"
    )
    services.bid_submit(
        actor=minsu, number=tender.number, brn=donghae.brn, sealed=seal(tender, donghae.brn, 69_900_000)
    )
    amended = get_json(client, url)
    cove(amended)
    assert [r["tag"] for r in amended["releases"]] == [["tender"], ["tenderAmendment"]]
    first, second = amended["releases"]
    assert first == published["releases"][0]  # a release never changes once published
    assert first["tender"]["description"] != second["tender"]["description"] == "14 inch, 16 GB"
    assert second["tender"]["amendments"][0]["amendsReleaseID"] == first["id"]
    assert second["tender"]["amendments"][0]["releaseID"] == second["id"]
    assert second["bids"]["statistics"][0]["value"] == 1  # Minsu's bid came after the amendment
    text = json.dumps(amended, ensure_ascii=False)
    assert (
        "70100000" not in text and "69900000" not in text and "details" not in amended["releases"][1]["bids"]
    )
    assert "한빛상사" not in text and "동해건설" not in text  # no bidder named before the opening

    open_tender(tender, committee, shares)
    opened = get_json(client, url)
    cove(opened)
    update = opened["releases"][-1]
    assert update["tag"] == ["tenderUpdate"] and update["date"] == tender.opened_at.isoformat()
    assert [d["value"]["amount"] for d in update["bids"]["details"]] == [70_100_000, 69_900_000]
    assert update["tender"]["numberOfTenderers"] == 2

    services.tender_award(actor=bob, number=tender.number)
    awarded = get_json(client, url)
    cove(awarded)
    tags = [r["tag"][0] for r in awarded["releases"]]
    assert tags == ["tender", "tenderAmendment", "tenderUpdate", "award"]
    assert len({r["id"] for r in awarded["releases"]}) == 4
    assert all(r["ocid"] == ocid and r["id"].startswith(ocid + "-") for r in awarded["releases"])
    assert awarded["releases"][:3] == opened["releases"]
    assert awarded["releases"][-1]["awards"][0]["suppliers"][0]["id"] == f"KR-BRN-{donghae.brn}"
    assert awarded["publishedDate"] == awarded["releases"][-1]["date"]
    assert get_json(client, url) == awarded  # the same every time


def test_the_record_compiles_as_ocdskit_compiles_it(
    client, cove, patched_schema, tender, bob, committee, shares, hana, hanbit, hanbit_supplier
):
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70_000_000)
    )
    services.tender_amend(actor=bob, number=tender.number, reason="More laptops", budget=90_000_000)
    open_tender(tender, committee, shares)
    services.tender_award(actor=bob, number=tender.number)
    ocid = ocds.ocid_of(tender)

    package = get_json(client, f"/api/v1/procurement/ocds/{ocid}")
    record_package = get_json(client, f"/api/v1/procurement/ocds/{ocid}/record")
    cove(record_package)
    [record] = record_package["records"]
    assert record["ocid"] == ocid and record["releases"] == package["releases"]
    [compiled] = ocdskit_compile(package, patched_schema)
    assert record["compiledRelease"] == compiled
    assert compiled["tender"]["value"]["amount"] == 90_000_000
    assert compiled["tender"]["status"] == "complete"
    assert {p["id"]: p["roles"] for p in compiled["parties"]}[f"KR-BRN-{hanbit.brn}"] == [
        "tenderer",
        "supplier",
    ]


def test_a_cancelled_tender_passes_the_checker_and_compiles(
    client, cove, patched_schema, tender, bob, hana, hanbit, hanbit_supplier
):
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70_000_000)
    )
    services.tender_amend(actor=bob, number=tender.number, reason="More laptops", budget=90_000_000)
    before = get_json(client, f"/api/v1/procurement/ocds/{ocds.ocid_of(tender)}")
    services.tender_cancel(actor=bob, number=tender.number, reason="예산 삭감 (budget cut)")
    tender.refresh_from_db()
    ocid = ocds.ocid_of(tender)

    package = get_json(client, f"/api/v1/procurement/ocds/{ocid}")
    cove(package)
    assert [r["tag"] for r in package["releases"]] == [
        ["tender"],
        ["tenderAmendment"],
        ["tenderCancellation"],
    ]
    assert package["releases"][:2] == before["releases"]  # the earlier releases are unchanged
    cancellation = package["releases"][-1]
    assert cancellation["id"] == f"{ocid}-tenderCancellation"
    assert cancellation["date"] == tender.cancelled_at.isoformat() == package["publishedDate"]
    assert cancellation["tender"]["status"] == "cancelled"
    assert [r["tender"]["status"] for r in package["releases"][:2]] == ["active", "active"]
    [document] = [
        d for d in cancellation["tender"]["documents"] if d["documentType"] == "cancellationDetails"
    ]
    assert document["description"] == "예산 삭감 (budget cut)"
    assert document["datePublished"] == tender.cancelled_at.isoformat()
    assert cancellation["bids"]["statistics"][0]["value"] == 1
    assert "details" not in cancellation["bids"] and "70000000" not in json.dumps(package)  # sealed for good

    record_package = get_json(client, f"/api/v1/procurement/ocds/{ocid}/record")
    cove(record_package)
    [record] = record_package["records"]
    [compiled] = ocdskit_compile(package, patched_schema)
    assert record["compiledRelease"] == compiled
    assert compiled["tender"]["status"] == "cancelled" and compiled["tender"]["value"]["amount"] == 90_000_000


def test_our_merge_rules_are_the_standards(patched_schema):
    from ocdsmerge.rules import get_merge_rules

    assert ocds.MERGE_RULES == get_merge_rules(json.loads(patched_schema.read_text()))


def test_an_amended_field_shows_its_value_of_each_release_date(client, tender, bob):
    original_deadline = tender.deadline
    later = dt.timedelta(days=3)
    services.tender_amend(
        actor=bob,
        number=tender.number,
        reason="More time",
        deadline=tender.deadline + later,
        opening_at=tender.opening_at + later,
    )
    services.tender_amend(actor=bob, number=tender.number, reason="Fix", title="노트북 구매 (laptops)")
    releases = get_json(client, f"/api/v1/procurement/ocds/{ocds.ocid_of(tender)}")["releases"]
    periods = [r["tender"]["tenderPeriod"]["endDate"] for r in releases]
    titles = [r["tender"]["title"] for r in releases]
    assert periods[0] == original_deadline.isoformat() != periods[1] == periods[2]
    assert titles[:2] == [tender.title, tender.title] and titles[2] == "노트북 구매 (laptops)"
    assert [len(r["tender"].get("amendments", [])) for r in releases] == [0, 1, 2]


def test_the_bulk_downloads_hold_every_process(client, cove, bob, committee, shares, tender):
    other = services.tender_publish(
        actor=bob, **tender_kwargs(committee, title="종로구청 복합기 임차 (printers)")
    )
    releases = get_json(client, "/api/v1/procurement/ocds/bulk/releases.json")
    cove(releases)
    assert sorted(r["ocid"] for r in releases["releases"]) == sorted(ocds.ocid_of(t) for t in (tender, other))
    records = get_json(client, "/api/v1/procurement/ocds/bulk/records.json")
    cove(records)
    assert [r["ocid"] for r in records["records"]] == [r["ocid"] for r in releases["releases"]]
    single = get_json(client, f"/api/v1/procurement/ocds/{ocds.ocid_of(other)}/record")
    assert single["records"][0] in records["records"]


def test_the_bulk_download_reads_processes_in_a_fixed_number_of_queries(
    client, bob, committee, tender, django_assert_max_num_queries
):
    for n in range(5):
        services.tender_publish(actor=bob, **tender_kwargs(committee, title=f"물품 {n} (goods)"))
    with django_assert_max_num_queries(8):
        body = get_json(client, "/api/v1/procurement/ocds/bulk/records.json")
    assert len(body["records"]) == Tender.objects.count() == 6


def test_an_unknown_ocid_answers_404(client, tender):
    for ocid in ("ocds-other-1", f"{ocds.ocid_prefix()}-nope"):
        assert client.get(f"/api/v1/procurement/ocds/{ocid}").status_code == 404
        assert client.get(f"/api/v1/procurement/ocds/{ocid}/record").status_code == 404


def test_the_ocid_prefix_is_a_setting(client, settings, tender):
    settings.EGOV_PROCUREMENT_OCID_PREFIX = "ocds-abc123"
    body = get_json(client, f"/api/v1/procurement/ocds/ocds-abc123-{tender.number}")
    assert body["releases"][0]["id"] == f"ocds-abc123-{tender.number}-tender"
    assert client.get(f"/api/v1/procurement/ocds/ocds-egov01-{tender.number}").status_code == 404
    assert timezone.now() > dt.datetime.fromisoformat(body["publishedDate"])


def test_the_contract_and_its_implementation_pass_the_checker_and_compile(
    client, cove, patched_schema, tender, bob, committee, shares, hana, hanbit, hanbit_supplier
):
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70_000_000)
    )
    open_tender(tender, committee, shares)
    award = services.tender_award(actor=bob, number=tender.number)
    today = timezone.localdate()
    contract = services.contract_issue(
        actor=bob,
        number=tender.number,
        start_date=today,
        end_date=today + dt.timedelta(days=60),
        terms="x",
        clearance_document="1234-567-8901",
        clearance_checked_on=today,
    )
    ocid = ocds.ocid_of(tender)
    url = f"/api/v1/procurement/ocds/{ocid}"

    contracted = get_json(client, url)
    cove(contracted)
    release = contracted["releases"][-1]
    assert release["tag"] == ["contract"] and release["date"] == contract.issued_at.isoformat()
    [entry] = release["contracts"]
    assert entry["awardID"] == str(award.pk) and entry["value"] == {"amount": 70_000_000, "currency": "KRW"}
    assert entry["status"] == "active" and entry["dateSigned"] == contract.issued_at.isoformat()
    assert entry["period"]["startDate"].startswith(today.isoformat())
    assert entry["documents"][0]["documentType"] == "contractSigned"
    assert entry["documents"][0]["url"].endswith(f"/verify?n={contract.document.number}")

    first = services.milestone_add(
        actor=bob, contract=contract.number, description="1차 납품", due_date=today, amount=30_000_000
    )
    second = services.milestone_add(
        actor=bob, contract=contract.number, description="2차 납품", due_date=today, amount=40_000_000
    )
    services.milestone_decide(actor=bob, milestone_id=first.pk, accepted=True, note="ok")
    services.payment_record(
        actor=bob, milestone_id=first.pk, amount=10_000_000, paid_on=today, reference="internal-ref"
    )
    partly_paid = get_json(client, url)
    cove(partly_paid)
    assert partly_paid["releases"][: len(contracted["releases"])] == contracted["releases"]
    tags = [r["tag"][0] for r in partly_paid["releases"]]
    assert tags == ["tender", "tenderUpdate", "award", "contract"] + ["implementation"] * 4
    [entry] = partly_paid["releases"][-1]["contracts"]
    assert [m["status"] for m in entry["milestones"]] == ["met", "scheduled"]
    [transaction] = entry["implementation"]["transactions"]
    assert transaction["value"]["amount"] == 10_000_000
    assert transaction["payer"]["id"].startswith("KR-AGENCY-")
    assert transaction["payee"]["id"] == f"KR-BRN-{hanbit.brn}"
    assert "internal-ref" not in json.dumps(partly_paid)
    record_package = get_json(client, f"{url}/record")
    cove(record_package)
    [compiled] = ocdskit_compile(partly_paid, patched_schema)
    assert record_package["records"][0]["compiledRelease"] == compiled
    roles = {p["id"]: p["roles"] for p in compiled["parties"]}
    assert set(roles[f"KR-BRN-{hanbit.brn}"]) == {"tenderer", "supplier", "payee"}

    services.milestone_decide(actor=bob, milestone_id=second.pk, accepted=True)
    services.payment_record(actor=bob, milestone_id=first.pk, amount=20_000_000, paid_on=today, reference="r")
    services.payment_record(
        actor=bob, milestone_id=second.pk, amount=40_000_000, paid_on=today, reference="r"
    )
    completed = get_json(client, url)
    cove(completed)
    assert completed["releases"][-1]["contracts"][0]["status"] == "terminated"
    assert completed["releases"][-2]["contracts"][0]["status"] == "active"
