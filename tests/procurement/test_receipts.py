"""The bid's 접수증 through documents: signed, with the QR, issued once, the amount never in it
(the platform does not know it), only for the bidder's own supplier."""

import pytest

from egov.core.errors import NotFound
from egov.documents.models import Document
from egov.documents.services import document_pdf
from egov.procurement import services
from egov.procurement.models import Bid
from egov.procurement.receipts import bid_receipt_issue
from tests.procurement.conftest import seal


@pytest.fixture
def bid(tender, hana, hanbit, hanbit_supplier):
    return services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 45_500_000)
    )


def test_hana_gets_one_signed_receipt_of_her_bid_without_its_amount(bid, hana, hanbit, tender):
    document = bid_receipt_issue(actor=hana, number=tender.number, bid_id=bid.pk)
    assert document.doc_type == "procurement.bid_receipt" and document.subject_business == hanbit
    assert bid_receipt_issue(actor=hana, number=tender.number, bid_id=bid.pk) == document
    assert Document.objects.filter(doc_type="procurement.bid_receipt").count() == 1
    pdf = document_pdf(document)
    assert pdf.startswith(b"%PDF") and b"45500000" not in pdf and b"45,500,000" not in pdf


def test_another_supplier_gets_no_receipt_of_hanas_bid(bid, minsu, donghae_supplier, tender):
    with pytest.raises(NotFound):
        bid_receipt_issue(actor=minsu, number=tender.number, bid_id=bid.pk)
    assert not Document.objects.filter(doc_type="procurement.bid_receipt").exists()


def test_the_receipt_page_offers_the_signed_pdf_and_fills_the_amount_only_on_the_bidders_screen(
    client, bid, hana, tender, hanbit
):
    client.force_login(hana)
    page = client.post(f"/procurement/tenders/{tender.number}/bid", {"brn": hanbit.brn, "sealed": bid.sealed})
    html = page.content.decode()
    assert 'data-receipt="amount"' in html and "45,500,000" not in html  # the script fills it in
    live = Bid.objects.get(tender=tender, state="live")  # the page's bid replaced the fixture's
    answer = client.post(f"/procurement/tenders/{tender.number}/bids/{live.pk}/receipt")
    assert answer.status_code == 302 and answer["Location"].endswith(".pdf")
    assert client.get(answer["Location"]).status_code == 200


def test_a_citizen_cannot_ask_for_a_bid_receipt(client, bid, alice, tender):
    client.force_login(alice)
    assert client.post(f"/procurement/tenders/{tender.number}/bids/{bid.pk}/receipt").status_code in (
        403,
        404,
    )
