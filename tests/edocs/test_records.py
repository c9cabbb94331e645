"""Records management: unit tasks and retention, the retention sweep and appraisal (disposal
recorded, transfer as a BagIt package), the proactive publication of public documents."""

import datetime as dt
import io
import os
from pathlib import Path

import bagit
import pytest
from django.conf import settings
from django.utils import timezone

from egov.cases.models import CaseEvent
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.edocs.models import AppraisalCase, OfficialDocument
from egov.edocs.services.approval import document_sign, document_submit
from egov.edocs.services.delivery import document_dispatch
from egov.edocs.services.records import (
    appraisal_dispose,
    appraisal_retain,
    appraisal_transfer,
    retention_sweep,
)
from tests.conftest import login_official
from tests.edocs.stepup import fresh

# The PDF/A renditions need Ghostscript (scripts/ensure_browser.sh installs it); with CI=true
# a machine without it fails these tests instead of skipping them.
needs_ghostscript = pytest.mark.skipif(
    not Path("/usr/bin/gs").exists() and os.environ.get("CI") != "true",
    reason="Ghostscript (/usr/bin/gs, Debian's ghostscript) is not installed",
)


@pytest.fixture
def filed(draft, minji, junho, soyeon, park, gangnam_office, unit_tasks):
    def filed(task="short", **overrides):
        document = document_submit(
            actor=minji, step_up=fresh(minji), document=draft(unit_task=unit_tasks[task], **overrides)
        )
        for official in (junho, soyeon, park):
            document = document_sign(actor=official, step_up=fresh(official), document=document)
        document_dispatch(actor=minji, document=document)
        document.refresh_from_db()
        return document

    return filed


def test_once_the_agency_has_a_scheme_every_draft_names_its_unit_task(draft, unit_tasks, gangnam):
    from egov.edocs.models import UnitTask

    with pytest.raises(ValidationFailed) as refused:
        draft()
    assert refused.value.field == "unit_task"
    other = UnitTask.objects.create(
        agency=gangnam, code="B01", name_ko="복지", name_en="Welfare", retention="3"
    )
    with pytest.raises(ValidationFailed):
        draft(unit_task=other)
    document = draft(unit_task=unit_tasks["short"])
    assert document.retention == "1"


def test_approval_sets_when_retention_ends(filed):
    document = filed()
    year = document.registration_year
    assert document.retention_until == dt.date(year + 2, 1, 1)


def test_the_sweep_opens_one_appraisal_per_unit_task_and_is_idempotent(filed):
    short, archive = filed("short"), filed("archive")
    assert retention_sweep(today=short.retention_until - dt.timedelta(days=1)) == 0
    assert retention_sweep(today=archive.retention_until) == 2
    assert retention_sweep(today=archive.retention_until) == 0
    by_task = {c.unit_task.code: c for c in AppraisalCase.objects.all()}
    assert by_task["A01"].proposal == "dispose" and by_task["A02"].proposal == "transfer"
    assert by_task["A01"].records == 1
    assert CaseEvent.objects.filter(case_id=by_task["A01"].pk, action="open").exists()


def _viewer(finance):
    from tests.edocs.conftest import _post

    return _post("jiwoo", finance, 10, "주무관", "윤지우", roles=("viewer",))


def test_disposal_is_approved_recorded_and_never_silent(filed, mayor, finance):
    document = filed()
    retention_sweep(today=document.retention_until)
    case = AppraisalCase.objects.get()
    with pytest.raises(PermissionDenied):
        appraisal_dispose(actor=_viewer(finance), case=case, reason="보존기간 경과")  # no records role
    with pytest.raises(ValidationFailed):
        appraisal_dispose(actor=mayor, case=case, reason="")
    appraisal_dispose(actor=mayor, case=case, reason="보존기간 경과, 평가 결과 폐기")
    document.refresh_from_db()
    assert document.records_state == "disposed" and document.content == "" and not document.files.exists()
    event = CaseEvent.objects.get(case_id=case.pk, action="dispose")
    assert event.data["disposed"] == [[document.registration_number, document.title]]


@needs_ghostscript
def test_transfer_produces_a_valid_bagit_package_with_signatures_and_the_signed_pdf(filed, mayor):
    document = filed("archive")
    retention_sweep(today=document.retention_until)
    case = appraisal_transfer(actor=mayor, case=AppraisalCase.objects.get(), note="영구기록물관리기관 이관")
    root = Path(settings.DATA_DIR) / "edocs" / "transfers" / case.package_name
    bag = bagit.Bag(str(root))
    assert bag.is_valid()
    folder = root / "data" / f"{document.registration_year}-{document.registration_number}-{document.pk}"
    assert (folder / "metadata.json").exists() and (folder / "signatures.json").exists()
    assert (folder / "signed.pdf").read_bytes().startswith(b"%PDF")
    assert (folder / "rendition.pdf").read_bytes().startswith(b"%PDF")
    assert list((folder / "attachments").iterdir())
    document.refresh_from_db()
    assert document.records_state == "transferred" and case.state == "transferred"


def test_retention_can_be_extended_and_the_records_return_to_active(filed, mayor):
    document = filed()
    retention_sweep(today=document.retention_until)
    case = AppraisalCase.objects.get()
    with pytest.raises(ValidationFailed):
        appraisal_retain(actor=mayor, case=case, years=0, reason="재평가")
    appraisal_retain(actor=mayor, case=case, years=2, reason="소송 진행 중")
    document.refresh_from_db()
    assert document.records_state == "active"
    assert document.retention_until.year == timezone.localdate().year + 3


def test_officials_of_another_agency_do_not_see_or_decide_an_appraisal(filed, gangnam_clerk):
    from egov.edocs import selectors

    document = filed()
    retention_sweep(today=document.retention_until)
    case = AppraisalCase.objects.get()
    with pytest.raises(NotFound):
        selectors.appraisal_get_for(actor=gangnam_clerk, number=case.number)


def test_public_enforced_documents_appear_in_the_disclosure_list_and_closed_ones_never(client, filed):
    public = filed(title="2027년 공원 조성 계획 안내")
    closed = filed(
        title="감사 결과 내부 검토", disclosure="closed", disclosure_ground="정보공개법 제9조 제1항 제5호"
    )
    page = client.get("/disclosure/publications/").content.decode()
    assert public.title in page and public.registration_number in page
    assert closed.title not in page


def test_the_appraisal_pages_let_the_records_officer_dispose(client, filed, mayor, finance):
    from django.test import Client

    document = filed()
    retention_sweep(today=document.retention_until)
    case = AppraisalCase.objects.get()
    login_official(client, mayor)
    assert case.number in client.get("/office/edocs/appraisals/").content.decode() or "일반 행정" in (
        client.get("/office/edocs/appraisals/").content.decode()
    )
    page = client.get(f"/office/edocs/appraisals/{case.number}/").content.decode()
    assert document.registration_number in page
    assert client.post(f"/office/edocs/appraisals/{case.number}/dispose", {"reason": ""}).status_code == 400
    staff = login_official(Client(), _viewer(finance))
    assert staff.get("/office/edocs/appraisals/").status_code == 403
    response = client.post(f"/office/edocs/appraisals/{case.number}/dispose", {"reason": "보존기간 경과"})
    assert response.status_code == 302
    assert OfficialDocument.objects.get(pk=document.pk).records_state == "disposed"


def test_a_later_sweep_opens_a_new_case_only_for_records_due_after_the_last_cutoff(filed, mayor):
    first = filed()
    assert retention_sweep(today=first.retention_until) == 1
    later = filed()
    OfficialDocument.objects.filter(pk=later.pk).update(
        retention_until=first.retention_until + dt.timedelta(days=400)
    )
    assert retention_sweep(today=first.retention_until + dt.timedelta(days=10)) == 0
    assert retention_sweep(today=first.retention_until + dt.timedelta(days=400)) == 1
    old, new = AppraisalCase.objects.order_by("cutoff")
    assert list(old.record_rows()) == [first] and list(new.record_rows()) == [later]
    appraisal_dispose(actor=mayor, case=old, reason="보존기간 경과")
    assert list(new.record_rows()) == [later]  # deciding one case leaves the other's records


def _pdfa_claimed(pdf: bytes, *, javascript: bool = False) -> bytes:
    """`pdf` rewritten (pypdf) to claim PDF/A-2B: XMP pdfaid and an sRGB output intent."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    xmp = DecodedStreamObject()
    xmp.set_data(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        b"<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    profile = DecodedStreamObject()
    profile.set_data(b"\0" * 128)  # the check looks for the profile, not inside it
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB"),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    if javascript:
        action = {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@needs_ghostscript
def test_the_transfer_checks_each_rendition_against_the_pdfa_requirements(filed, mayor):
    """The package keeps the signed PDF as issued (not PDF/A: no pdfaid, no output intent)
    and a PDF/A-2b rendition made by Ghostscript that passes the check, Korean text intact."""
    import io
    import json

    from pypdf import PdfReader

    from egov.edocs.pdfa import pdfa_check

    document = filed("archive")
    retention_sweep(today=document.retention_until)
    case = appraisal_transfer(actor=mayor, case=AppraisalCase.objects.get(), note="이관")
    folder = (
        Path(settings.DATA_DIR)
        / "edocs"
        / "transfers"
        / case.package_name
        / "data"
        / f"{document.registration_year}-{document.registration_number}-{document.pk}"
    )
    signed = (folder / "signed.pdf").read_bytes()
    assert pdfa_check(signed)["problems"] == [
        "no PDF/A identification (pdfaid) in the XMP metadata",
        "no PDF/A output intent with an ICC profile",
    ]  # fonts embedded, a file identifier, no JavaScript or external content
    found = json.loads((folder / "pdfa-check.json").read_text(encoding="utf-8"))
    assert found == pdfa_check((folder / "rendition.pdf").read_bytes())
    assert found == {"claimed": "2B", "problems": []}
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO((folder / "rendition.pdf").read_bytes())).pages
    )
    assert document.title in text  # the Korean fonts came through embedded, with their Unicode maps
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert set(metadata["files"]) == {"signed.pdf", "rendition.pdf", "pdfa-check.json"}
    assert CaseEvent.objects.get(case_id=case.pk, action="transfer").data["pdfa_failed"] == []

    assert pdfa_check(_pdfa_claimed(signed)) == {"claimed": "2B", "problems": []}
    with_script = pdfa_check(_pdfa_claimed(signed, javascript=True))
    assert "forbidden action JavaScript" in with_script["problems"]
    assert pdfa_check(b"%PDF-1.7 not really")["problems"][0].startswith("unreadable")


@needs_ghostscript
def test_a_pdfa_conversion_that_fails_says_so():
    from egov.edocs.pdfa import PdfAConversionFailed, pdfa_convert

    with pytest.raises(PdfAConversionFailed, match="pages"):
        pdfa_convert(b"%PDF-1.7 not really a PDF")  # Ghostscript exits 0 and writes no page
    with pytest.raises(PdfAConversionFailed, match="timed out"):
        pdfa_convert(b"%!PS\n{} loop\n", timeout=1)  # PostScript that never ends


def test_a_transfer_whose_conversion_fails_records_it_and_keeps_the_signed_pdf(filed, mayor, monkeypatch):
    import json

    from egov.edocs import pdfa

    monkeypatch.setattr(pdfa, "GHOSTSCRIPT", "/nonexistent/gs")  # the tool missing on this machine
    document = filed("archive")
    retention_sweep(today=document.retention_until)
    case = appraisal_transfer(actor=mayor, case=AppraisalCase.objects.get(), note="이관")
    root = Path(settings.DATA_DIR) / "edocs" / "transfers" / case.package_name
    assert bagit.Bag(str(root)).is_valid()
    folder = root / "data" / f"{document.registration_year}-{document.registration_number}-{document.pk}"
    assert (folder / "signed.pdf").exists() and not (folder / "rendition.pdf").exists()
    found = json.loads((folder / "pdfa-check.json").read_text(encoding="utf-8"))
    assert found["claimed"] is None and found["problems"][0].startswith("conversion failed: /nonexistent/gs")
    assert "rendition.pdf" not in json.loads((folder / "metadata.json").read_text(encoding="utf-8"))["files"]
    event = CaseEvent.objects.get(case_id=case.pk, action="transfer")
    assert event.data["pdfa_failed"] == [document.registration_number]


def _transfer_dir() -> Path:
    return Path(settings.DATA_DIR) / "edocs" / "transfers"


def test_the_transfer_keeps_records_whose_numbers_repeat_across_years_apart(filed, mayor):
    """Registration numbers restart every year (총무과-1): two records of one case may share one."""
    this_year, last_year = filed("archive"), filed("archive")
    OfficialDocument.objects.filter(pk=last_year.pk).update(
        registration_number=this_year.registration_number,
        registration_year=this_year.registration_year - 1,
        registration_serial=this_year.registration_serial,
        retention_until=this_year.retention_until,
    )
    last_year.refresh_from_db()
    retention_sweep(today=this_year.retention_until)
    before = set(_transfer_dir().iterdir()) if _transfer_dir().exists() else set()
    case = appraisal_transfer(actor=mayor, case=AppraisalCase.objects.get(), note="이관")
    root = _transfer_dir() / case.package_name
    assert bagit.Bag(str(root)).is_valid()
    folders = sorted(p.name for p in (root / "data").iterdir())
    assert folders == sorted(
        f"{d.registration_year}-{d.registration_number}-{d.pk}" for d in (this_year, last_year)
    )
    assert set(_transfer_dir().iterdir()) - before == {root}  # no temporary directory left


def test_a_failed_transfer_leaves_no_package_and_no_change(filed, mayor):
    from egov.cases.services import case_file_delete

    document = filed("archive")
    case_file_delete(document.files.first())  # the attachment's bytes are gone from the store
    retention_sweep(today=document.retention_until)
    case = AppraisalCase.objects.get()
    before = set(_transfer_dir().iterdir()) if _transfer_dir().exists() else set()
    with pytest.raises(FileNotFoundError):
        appraisal_transfer(actor=mayor, case=case, note="이관")
    assert set(_transfer_dir().iterdir()) == before  # nothing half-written left
    case.refresh_from_db()
    document.refresh_from_db()
    assert case.state == "proposed" and not case.package_name and document.records_state == "active"


def test_archival_records_are_never_disposed_of(client, filed, mayor):
    document = filed("archive")
    retention_sweep(today=document.retention_until)
    case = AppraisalCase.objects.get()
    assert case.proposal == "transfer"
    with pytest.raises(Conflict) as refused:
        appraisal_dispose(actor=mayor, case=case, reason="보존기간 경과")
    assert refused.value.field == "unit_task"
    login_official(client, mayor)
    page = client.get(f"/office/edocs/appraisals/{case.number}/").content.decode()
    assert 'data-testid="transfer"' in page and 'data-testid="dispose"' not in page
    response = client.post(f"/office/edocs/appraisals/{case.number}/dispose", {"reason": "보존기간 경과"})
    assert response.status_code == 400 and "never disposed of" in response.content.decode()
    document.refresh_from_db()
    case.refresh_from_db()
    assert document.records_state == "active" and document.content and case.state == "proposed"


def test_the_disposal_page_offers_disposal_not_transfer(client, filed, mayor):
    document = filed()
    retention_sweep(today=document.retention_until)
    case = AppraisalCase.objects.get()
    login_official(client, mayor)
    page = client.get(f"/office/edocs/appraisals/{case.number}/").content.decode()
    assert 'data-testid="dispose"' in page and 'data-testid="transfer"' not in page


def test_the_appraisal_page_describes_the_package_not_its_directory(client, filed, mayor):
    document = filed("archive")
    retention_sweep(today=document.retention_until)
    case = appraisal_transfer(actor=mayor, case=AppraisalCase.objects.get(), note="이관")
    login_official(client, mayor)
    page = client.get(f"/office/edocs/appraisals/{case.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert case.package_name not in page
    assert "1건" in page


def test_the_appraisal_page_calls_the_number_a_production_registration_number(client, filed, mayor):
    document = filed()
    retention_sweep(today=document.retention_until)
    login_official(client, mayor)
    url = f"/office/edocs/appraisals/{AppraisalCase.objects.get().number}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "생산등록번호" in page and "사업자등록번호" not in page
