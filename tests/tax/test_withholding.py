"""The employer files the withholding statement (근로소득 지급명세서) from the data an employee
gave, and the settlement is computed: refund or additional tax, shown to both."""

import io

import pytest
from pypdf import PdfReader

from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.core.models import AuditEvent, Notification
from egov.documents.services import document_pdf
from egov.tax.models import WithholdingStatement
from egov.tax.services.withholding import withholding_file
from egov.tax.services.yearend import yearend_give, yearend_prefill
from tests.tax.test_yearend import LAST, alices_data, providers  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _pdf_text(document) -> str:
    return PdfReader(io.BytesIO(document_pdf(document))).pages[0].extract_text()


@pytest.fixture
def given(alice, alices_data, hanbit):  # noqa: F811
    yearend_prefill(actor=alice, year=LAST, consent=True)
    return yearend_give(actor=alice, year=LAST, brn=hanbit.brn, consent=True)


def test_filing_computes_the_refund_from_the_data_given(given, hana, hanbit, alice):
    # Alice's data: insurance 1,200,000, medical 895,000, education 3,000,000, card 12,345,000.
    s = withholding_file(actor=hana, business=hanbit, package_pk=given.pk, total_pay="50,000,000",
                         withheld_tax=3_000_000)  # fmt: skip
    r = s.result
    assert r["card_deduction"] == 0  # 12,345,000 is under 25 % of 50,000,000
    assert r["tax_base"] == 50_000_000 - 12_250_000 - 1_500_000 == 36_250_000
    assert r["computed_tax"] == 840_000 + 3_337_500  # 15 % of 22,250,000
    assert r["wage_credit"] == 660_000
    assert r["insurance_credit"] == 120_000 and r["medical_credit"] == 0 and r["education_credit"] == 450_000
    assert r["determined_tax"] == 4_177_500 - 660_000 - 570_000 == 2_947_500
    assert (s.balance, s.local_balance) == (-52_500, 294_750 - 300_000)
    assert s.withheld_local_tax == 300_000 and s.refund == 57_750 and s.additional == 0
    assert AuditEvent.objects.filter(action="tax.withholding_file", object_id=str(s.pk)).count() == 1
    assert (
        s.document.doc_type == "tax.withholding_receipt"
        and s.document.subject_resident_id == alice.resident_id
    )
    text = _pdf_text(s.document)
    assert "근로소득 원천징수영수증" in text and "2,947,500" in text and "-52,500" in text
    note = Notification.objects.get(user=alice, key=f"tax-withholding:{s.pk}")
    assert "환급 예정 금액 57,750원" in note.title_ko


def test_filing_again_is_idempotent_and_a_correction_is_an_amended_version(given, hana, hanbit):
    first = withholding_file(actor=hana, business=hanbit, package_pk=given.pk, total_pay=50_000_000,
                             withheld_tax=3_000_000)  # fmt: skip
    again = withholding_file(actor=hana, business=hanbit, package_pk=given.pk, total_pay="50000000",
                             withheld_tax="3,000,000")  # fmt: skip
    assert again.pk == first.pk and WithholdingStatement.objects.count() == 1
    with pytest.raises(Conflict) as refused:
        withholding_file(
            actor=hana, business=hanbit, package_pk=given.pk, total_pay=50_000_000, withheld_tax=2_500_000
        )
    assert refused.value.field == "amend"
    amended = withholding_file(actor=hana, business=hanbit, package_pk=given.pk, total_pay=50_000_000,
                               withheld_tax=2_500_000, amend=True)  # fmt: skip
    assert amended.version == 2 and WithholdingStatement.objects.count() == 2
    assert (amended.balance, amended.local_balance) == (447_500, 44_750)  # now additional tax
    assert amended.additional == 492_250 and amended.refund == 0
    first.refresh_from_db()
    assert first.version == 1 and first.balance == -52_500  # the original is kept
    assert amended.document != first.document and "447,500" in _pdf_text(amended.document)
    assert AuditEvent.objects.filter(action="tax.withholding_amend", object_id=str(amended.pk)).count() == 1


def test_amending_what_was_never_filed_is_refused(given, hana, hanbit):
    with pytest.raises(ValidationFailed) as refused:
        withholding_file(
            actor=hana, business=hanbit, package_pk=given.pk, total_pay=1, withheld_tax=0, amend=True
        )
    assert refused.value.field == "amend"


@pytest.mark.parametrize(
    ("total_pay", "withheld_tax", "field"),
    [("", 0, "total_pay"), ("-5", 0, "total_pay"), ("1.5", 0, "total_pay"), ("0", 0, "total_pay"),
     ("abc", 0, "total_pay"), (10**13, 0, "total_pay"), (True, 0, "total_pay"),
     (1_000, "-1", "withheld_tax"), (1_000, "1e3", "withheld_tax"), (1_000, 1_001, "withheld_tax"),
     (1_000, None, "withheld_tax")],
)  # fmt: skip
def test_bad_input_names_the_field(given, hana, hanbit, total_pay, withheld_tax, field):
    with pytest.raises(ValidationFailed) as refused:
        withholding_file(actor=hana, business=hanbit, package_pk=given.pk, total_pay=total_pay,
                         withheld_tax=withheld_tax)  # fmt: skip
    assert refused.value.field == field
    assert not WithholdingStatement.objects.exists()


def test_another_business_cannot_file_for_the_employee(given, minsu, daon):
    with pytest.raises(NotFound):
        withholding_file(
            actor=minsu, business=daon, package_pk=given.pk, total_pay=50_000_000, withheld_tax=0
        )


def test_the_pages_show_the_result_to_employer_and_employee(client, given, hana, minsu, alice, bob):
    client.force_login(hana)
    url = f"/business/tax/yearend/{given.pk}/"
    listing = client.get("/business/tax/yearend/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert url in listing and "지급명세서" in listing
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "총급여" in page and "3,000,000" in page  # the education total given
    bad = client.post(url, {"total_pay": "오천만", "withheld_tax": "0"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert bad.status_code == 400 and "원 단위" in bad.content.decode()
    figures = {"total_pay": "50,000,000", "withheld_tax": "3,000,000"}
    done = client.post(url, figures, HTTP_ACCEPT_LANGUAGE="ko", follow=True).content.decode()
    assert "환급 예정 금액" in done and "57,750" in done and "수정 제출" in done
    assert (
        "환급 예정 금액" in client.get("/business/tax/yearend/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    )
    conflict = client.post(
        url, {"total_pay": "50,000,000", "withheld_tax": "2,500,000"}, HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert conflict.status_code == 409 and "수정 제출" in conflict.content.decode()
    client.post(url, {"total_pay": "50,000,000", "withheld_tax": "2,500,000", "amend": "on"})
    assert WithholdingStatement.objects.count() == 2

    receipt = client.get(f"{url}receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")

    client.force_login(minsu)  # another employer
    assert client.get(url).status_code == 404
    assert client.get(f"{url}receipt.pdf").status_code == 404
    assert client.post(url, {"total_pay": "1", "withheld_tax": "0"}).status_code == 404

    client.force_login(alice)
    mine = client.get("/tax/yearend/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "추가 납부 금액" in mine and "492,250" in mine and "원천징수영수증" in mine
    latest = WithholdingStatement.objects.get(version=2).document
    assert client.get(f"/documents/{latest.number}.pdf").status_code == 200
    assert "연말정산 결과" in client.get("/my/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    client.force_login(bob)  # another citizen sees none of it
    assert "492,250" not in client.get("/tax/yearend/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
