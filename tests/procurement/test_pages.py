import pytest

from egov.procurement.models import Bid, Supplier, Tender
from tests.conftest import login_official
from tests.procurement.conftest import close, seal, tender_kwargs


def test_anyone_finds_an_open_tender_and_reads_the_notice(client, tender):
    page = client.get("/procurement/", {"q": "노트북"})
    assert page.status_code == 200
    assert tender.number in page.content.decode()
    notice = client.get(f"/procurement/tenders/{tender.number}/")
    assert notice.status_code == 200
    assert "Laptop, 14 inch" in notice.content.decode()
    assert 'id="bid-form"' not in notice.content.decode()
    assert client.get("/procurement/tenders/nope/").status_code == 404


def test_hana_registers_her_business_as_a_supplier(client, hana, hanbit):
    client.force_login(hana)
    assert client.get("/procurement/suppliers/register").status_code == 200
    answer = client.post("/procurement/suppliers/register", {"brn": hanbit.brn, "categories": ["43"]})
    assert answer.status_code == 302
    assert Supplier.objects.get().business == hanbit
    again = client.post("/procurement/suppliers/register", {"brn": hanbit.brn, "categories": ["43"]})
    assert "already a registered supplier" in again.content.decode()


def test_a_citizen_cannot_open_the_supplier_page(client, alice):
    client.force_login(alice)
    assert client.get("/procurement/suppliers/register").status_code == 403


def test_the_notice_shows_hana_the_sealing_form_and_takes_the_sealed_bid(
    client, tender, hana, hanbit, hanbit_supplier
):
    client.force_login(hana)
    page = client.get(f"/procurement/tenders/{tender.number}/").content.decode()
    assert 'id="bid-form"' in page and "seal.js" in page
    answer = client.post(
        f"/procurement/tenders/{tender.number}/bid",
        {"brn": hanbit.brn, "sealed": seal(tender, hanbit.brn, 70)},
    )
    assert answer.status_code == 200
    assert Bid.objects.get().sealed_sha256 in answer.content.decode()
    client.post(f"/procurement/tenders/{tender.number}/withdraw", {"brn": hanbit.brn})
    assert Bid.objects.get().state == "withdrawn"


def test_a_refused_bid_goes_back_to_the_notice_with_the_reason(client, tender, hana, hanbit, hanbit_supplier):
    client.force_login(hana)
    answer = client.post(
        f"/procurement/tenders/{tender.number}/bid", {"brn": hanbit.brn, "sealed": "x"}, follow=True
    )
    assert "The sealed bid is malformed" in answer.content.decode()


def test_questions_are_asked_on_the_notice_and_answered_in_the_back_office(client, tender, hana, bob):
    client.force_login(hana)
    client.post(f"/procurement/tenders/{tender.number}/ask", {"question": "Is a 15-inch model acceptable?"})
    client.logout()
    login_official(client, bob)
    office = client.get(f"/office/procurement/tenders/{tender.number}/").content.decode()
    assert "Is a 15-inch model acceptable?" in office
    question = tender.clarifications.get()
    client.post(f"/office/procurement/questions/{question.pk}/answer", {"answer": "14 inch only."})
    client.logout()
    assert "14 inch only." in client.get(f"/procurement/tenders/{tender.number}/").content.decode()


def test_bob_publishes_a_tender_through_the_back_office(client, bob, committee):
    login_official(client, bob)
    kwargs = tender_kwargs(committee)
    fmt = "%Y-%m-%dT%H:%M"
    answer = client.post(
        "/office/procurement/new",
        {
            "title": kwargs["title"],
            "items": "Laptop, 14 inch | 40 | EA\nDocking station | 40 | EA",
            "budget": 80_000_000,
            "base_price": 72_000_000,
            "award_method": "lowest_price",
            "categories": ["43"],
            "deadline": kwargs["deadline"].strftime(fmt),
            "opening_at": kwargs["opening_at"].strftime(fmt),
            "documents": "Specification | https://example.kr/spec.pdf",
            "committee": [m.pk for m in committee],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert Tender.objects.get().items[1] == {"description": "Docking station", "quantity": 40, "unit": "EA"}


def test_another_agencys_official_gets_404_for_the_tender(client, tender, carol):
    login_official(client, carol)
    assert client.get(f"/office/procurement/tenders/{tender.number}/").status_code == 404


@pytest.fixture
def fresh_tender(bob, committee):
    from egov.procurement import services

    return services.tender_publish(actor=bob, **tender_kwargs(committee))


def test_a_member_sees_their_share_once_then_opens_with_another(client, fresh_tender, committee):
    from egov.procurement import services

    kim, lee, park = committee
    shares = {
        m.username: services.committee_share_collect(actor=m, number=fresh_tender.number) for m in (kim, lee)
    }
    login_official(client, park)
    page = client.post(f"/office/procurement/tenders/{fresh_tender.number}/share")
    assert page["Cache-Control"] == "no-store"
    shares["park"] = page.context["share"]
    again = client.post(f"/office/procurement/tenders/{fresh_tender.number}/share", follow=True)
    assert "already shown once" in again.content.decode()
    close(fresh_tender)
    services.opening_share_submit(actor=kim, number=fresh_tender.number, share=shares["kim"])
    wrong = client.post(
        f"/office/procurement/tenders/{fresh_tender.number}/open", {"share": shares["lee"]}, follow=True
    )
    assert "not your share" in wrong.content.decode()
    answer = client.post(
        f"/office/procurement/tenders/{fresh_tender.number}/open", {"share": shares["park"]}, follow=True
    )
    assert "The tender is opened" in answer.content.decode()
    fresh_tender.refresh_from_db()
    assert fresh_tender.state == "opened"


def test_tender_states_read_as_the_procedure_words_them_in_korean(client, tender):
    page = client.get(f"/procurement/tenders/{tender.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    status = page.split("<dt>상태</dt><dd>")[1].split("</dd>")[0]
    assert status == "게시"  # not 게시일
    close(tender)
    page = client.get(f"/procurement/tenders/{tender.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert page.split("<dt>상태</dt><dd>")[1].split("</dd>")[0] == "마감(개찰 대기)"  # past its deadline
    listing = client.get("/procurement/", {"all": "1"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "마감(개찰 대기)" in listing and "개업" not in listing


def test_the_bid_amount_takes_grouped_digits_and_the_receipt_can_be_printed(
    client, tender, hana, hanbit, hanbit_supplier
):
    client.force_login(hana)
    page = client.get(f"/procurement/tenders/{tender.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    price = page.split('id="bid-price"')[1].split(">")[0]
    assert 'type="text"' in price and 'inputmode="numeric"' in price and "45,500,000" in price
    assert 'data-seal="words"' in page  # the amount in Korean words, before sealing
    receipt = client.post(
        f"/procurement/tenders/{tender.number}/bid",
        {"brn": hanbit.brn, "sealed": seal(tender, hanbit.brn, 45_500_000)},
        HTTP_ACCEPT_LANGUAGE="ko",
    ).content.decode()
    assert 'data-testid="receipt-amount"' in receipt and "data-print" in receipt
    assert "봉인한 입찰금액" in receipt and "한빛상사" in receipt
    visible = receipt.split("<details")[0]
    assert '{"bid"' not in visible and "&quot;bid&quot;" not in visible  # raw JSON only in the details
    assert "45500000" not in receipt  # the server never had the amount


def test_an_amendment_names_what_changed_in_words(client, tender, bob):
    from egov.procurement import services

    services.tender_amend(actor=bob, number=tender.number, reason="예산 조정", base_price=70_000_000)
    page = client.get(f"/procurement/tenders/{tender.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "예산 조정 (기초금액)" in page and "base_price" not in page
