"""My documents, My payments and the officials' queues (petitions, disclosure) page twenty at
a time with the shared KRDS pagination (portal/_pagination.html), keeping their filters."""

import re

import pytest

from egov.disclosure import services as disclosure
from egov.documents.services import document_issue
from egov.payments.services import payment_order_create
from egov.petitions import services as petitions
from egov.petitions.seed import categories_seed
from tests import factories
from tests.conftest import login_official


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path / "data"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"


def rows(html: str) -> int:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return body.count("<tr")


def test_my_payments_twenty_a_page(client, alice, jongno):
    for i in range(23):
        payment_order_create(
            actor=None, payer=alice, agency=jongno, purpose=f"과태료 {i:02d}", amount=1000 + i
        )
    client.force_login(alice)
    first = client.get("/my/payments/").content.decode()
    assert rows(first) == 20 and 'data-testid="pagination"' in first and "과태료 22" in first
    second = client.get("/my/payments/?page=2").content.decode()
    assert rows(second) == 3 and "과태료 00" in second and 'aria-current="page"' in second
    assert client.get("/my/payments/?page=x").status_code == 200


def test_my_documents_twenty_a_page(client, alice, alice_resident, jongno):
    payload = {"name": "이서연", "rrn": "900101-2******", "address": "서울특별시 종로구 세종대로 209"}
    for _ in range(21):
        document_issue(
            actor=None, doc_type="resident.abstract", subject=alice_resident, payload=payload, agency=jongno
        )
    client.force_login(alice)
    first = client.get("/my/documents/").content.decode()
    assert rows(first) == 20 and 'data-testid="pagination"' in first
    assert rows(client.get("/my/documents/?page=2").content.decode()) == 1


def test_the_petitions_queue_pages_with_the_shared_pagination_and_keeps_its_view(
    client, alice, mois, seoul, jongno, gangnam, busan, monkeypatch
):
    from egov.petitions import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 10)
    categories = {c.code: c for c in categories_seed()}
    for i in range(12):
        petitions.petition_file(
            actor=alice, kind="complaint", category=categories["road-jongno"], title=f"민원 {i:02d}",
            body="본문",
        )  # fmt: skip
    login_official(client, factories.official("jongno.petitions", jongno))
    first = client.get("/office/petitions/?view=team").content.decode()
    assert 'data-testid="pagination"' in first
    assert "view=team&amp;page=2" in first
    second = client.get("/office/petitions/?view=team&page=2").content.decode()
    assert len(re.findall(r'href="/office/petitions/[0-9A-Z-]+/"', second)) == 2


def test_the_disclosure_queue_twenty_a_page_most_urgent_first(client, alice, jongno):
    for i in range(21):
        disclosure.request_file(
            actor=alice, agency=jongno, title=f"청구 {i:02d}", content="자료", release_form="electronic"
        )
    login_official(client, factories.official("jongno.disclosure", jongno))
    first = client.get("/office/disclosure/").content.decode()
    assert rows(first) == 20 and 'data-testid="pagination"' in first
    assert "청구 00" in first and "청구 20" not in first
    assert "청구 20" in client.get("/office/disclosure/?page=2").content.decode()
