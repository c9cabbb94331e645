"""Year-end settlement, simplified (연말정산 간소화): the employee's deduction data gathered
through exchange under consent, issued as a signed document, given to the employer."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.core.models import AuditEvent
from egov.documents.services import document_pdf
from egov.exchange.models import AccessLogEntry, Consent
from egov.exchange.services import shared_item_sync
from egov.tax.models import DeductionRecord, YearEndPackage
from egov.tax.services.yearend import yearend_give, yearend_prefill
from tests import factories

pytestmark = pytest.mark.django_db
LAST = timezone.localdate().year - 1


@pytest.fixture
def providers(nts):
    """The four providers of the data, their shared items in the catalogue."""
    made = {
        "insurance": factories.agency("9000101", "생명보험협회", "KLIA", kind="third_party"),
        "medical": factories.agency("1352100", "국민건강보험공단", "NHIS", kind="office"),
        "education": factories.agency("1342000", "교육부", "Ministry of Education", kind="ministry"),
        "card": factories.agency("9000102", "여신금융협회", "Credit Finance Association", kind="third_party"),
    }  # fmt: skip
    shared_item_sync()
    return made


@pytest.fixture
def alices_data(providers, alice):
    rows = [
        ("insurance", LAST, "한빛생명", 1_200_000),
        ("medical", LAST, "서울대학교병원", 850_000),
        ("medical", LAST, "종로약국", 45_000),
        ("education", LAST, "한국대학교", 3_000_000),
        ("card", LAST, "한빛카드", 12_345_000),
        ("card", LAST - 1, "한빛카드", 9_999_000),  # another year
    ]
    for kind, year, payee, amount in rows:
        DeductionRecord.objects.create(
            provider=providers[kind],
            resident=alice.resident,
            year=year,
            kind=kind,
            payee=payee,
            amount=amount,
        )


def test_the_employee_gathers_the_years_data_with_consent_and_gets_a_signed_document(alice, alices_data):
    package = yearend_prefill(actor=alice, year=LAST, consent=True)
    assert package.totals == {"insurance": 1_200_000, "medical": 895_000, "education": 3_000_000,
                              "card": 12_345_000}  # fmt: skip
    assert len(package.items) == 5 and package.employer is None
    consent = Consent.objects.get(resident=alice.resident)
    assert consent.recipient.code == "1210000" and consent.items.count() == 4
    entries = AccessLogEntry.objects.filter(item_code__startswith="yearend.")
    assert entries.count() == 4 and {e.outcome for e in entries} == {"granted"}
    assert {e.basis for e in entries} == {f"consent:{consent.pk}"}
    text = PdfReader(io.BytesIO(document_pdf(package.document))).pages[0].extract_text()
    assert "연말정산 간소화 자료" in text and "서울대학교병원" in text and "12,345,000" in text
    assert package.document.doc_type == "tax.yearend_deductions"
    assert AuditEvent.objects.filter(action="tax.yearend_prefill", object_id=str(package.pk)).exists()


def test_without_consent_nothing_is_fetched(alice, alices_data):
    with pytest.raises(ValidationFailed) as refused:
        yearend_prefill(actor=alice, year=LAST, consent=False)
    assert refused.value.field == "consent"
    assert not AccessLogEntry.objects.exists() and not YearEndPackage.objects.exists()


@pytest.mark.parametrize("year", ["", "abc", LAST + 1, LAST - 5, "9" * 30])
def test_a_year_not_offered_is_refused(alice, alices_data, year):
    with pytest.raises(ValidationFailed) as refused:
        yearend_prefill(actor=alice, year=year, consent=True)
    assert refused.value.field == "year"


def test_only_a_citizen_gathers_their_own(bob, hana, alices_data):
    for actor in (bob, hana):
        with pytest.raises(PermissionDenied):
            yearend_prefill(actor=actor, year=LAST, consent=True)


def test_the_employee_gives_it_to_the_employer_with_consent(alice, alices_data, hanbit, daon, closed_shop):
    yearend_prefill(actor=alice, year=LAST, consent=True)
    with pytest.raises(ValidationFailed) as refused:
        yearend_give(actor=alice, year=LAST, brn=hanbit.brn, consent=False)
    assert refused.value.field == "consent"
    with pytest.raises(ValidationFailed) as refused:
        yearend_give(actor=alice, year=LAST, brn="123-45-67890", consent=True)
    assert refused.value.field == "brn"
    with pytest.raises(ValidationFailed) as refused:
        yearend_give(actor=alice, year=LAST, brn=closed_shop.brn, consent=True)
    assert refused.value.field == "brn" and refused.value.code == "business_closed"
    with pytest.raises(ValidationFailed) as refused:
        yearend_give(actor=alice, year=LAST - 1, brn=hanbit.brn, consent=True)
    assert refused.value.field == "year"  # not gathered yet

    package = yearend_give(actor=alice, year=LAST, brn=hanbit.brn_formatted, consent=True)
    assert package.employer == hanbit and package.given_at is not None
    assert yearend_give(actor=alice, year=LAST, brn=hanbit.brn, consent=True).given_at == package.given_at
    with pytest.raises(Conflict):
        yearend_give(actor=alice, year=LAST, brn=daon.brn, consent=True)
    with pytest.raises(Conflict):
        yearend_prefill(actor=alice, year=LAST, consent=True)  # given: it stays as given
    assert AuditEvent.objects.filter(action="tax.yearend_give", object_id=str(package.pk)).count() == 1


def test_the_pages_in_korean(client, alice, alices_data, hanbit, hana, minsu):
    client.force_login(alice)
    page = client.get("/tax/yearend/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "연말정산" in page and "동의" in page
    answer = client.post("/tax/yearend/fetch", {"year": LAST}, HTTP_ACCEPT_LANGUAGE="ko", follow=True)
    assert "동의" in answer.content.decode() and not YearEndPackage.objects.exists()
    answer = client.post(
        "/tax/yearend/fetch", {"year": LAST, "consent": "on"}, HTTP_ACCEPT_LANGUAGE="ko", follow=True
    )
    page = answer.content.decode()
    package = YearEndPackage.objects.get()
    assert "서울대학교병원" in page and package.document.number in page
    client.post(f"/tax/yearend/{LAST}/give", {"brn": hanbit.brn, "consent": "on"})
    package.refresh_from_db()
    assert package.employer == hanbit

    client.force_login(hana)
    assert "/business/tax/yearend/" in client.get("/business/tax/vat/").content.decode()
    received = client.get("/business/tax/yearend/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "이서연" in received and "17,440,000" in received
    pdf = client.get(f"/business/tax/yearend/{package.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(minsu)  # another employer sees nothing of it
    assert "이서연" not in client.get("/business/tax/yearend/").content.decode()
    assert client.get(f"/business/tax/yearend/{package.pk}/pdf").status_code == 404
    assert client.get("/business/tax/yearend/99999999999999999999/pdf").status_code == 404
