"""Full-text search in Korean over the documents an official may see, with filters; the
statistics page."""

import pytest

from egov.edocs import selectors
from egov.edocs.services.approval import document_sign, document_submit
from egov.edocs.services.delivery import document_dispatch
from tests.conftest import login_official


@pytest.fixture
def documents(draft, minji, junho, soyeon, park, gangnam_office):
    sent = document_submit(actor=minji, document=draft(title="민원실 환경 개선 계획 협조 요청"))
    for official in (junho, soyeon, park):
        sent = document_sign(actor=official, document=sent)
    document_dispatch(actor=minji, document=sent)
    other = draft(
        title="청사 주차장 운영 지침",
        content="주차장 이용 시간을 조정합니다.",
        line=[(junho, "review"), (park, "approve")],
    )
    return sent, other


def test_search_finds_korean_words_in_title_and_text(documents, minji):
    sent, other = documents
    assert list(selectors.document_search_for(actor=minji, query="환경 개선")) == [sent]
    assert list(selectors.document_search_for(actor=minji, query="이용 시간")) == [other]
    assert list(selectors.document_search_for(actor=minji, query="주차")) == [other]  # two syllables
    assert not selectors.document_search_for(actor=minji, query="없는 낱말").exists()


def test_search_filters_by_state_and_department(documents, minji, general_affairs, finance):
    sent, other = documents
    assert list(selectors.document_search_for(actor=minji, state="dispatched")) == [sent]
    assert list(selectors.document_search_for(actor=minji, state="draft")) == [other]
    assert not selectors.document_search_for(actor=minji, department_id=finance.pk).exists()


def test_search_never_shows_what_the_official_may_not_see(documents, gangnam_clerk, soyeon):
    sent, other = documents
    assert not selectors.document_search_for(actor=gangnam_clerk, query="환경").exists()
    # Soyeon cooperated on the sent one; the draft of another department is not hers
    assert list(selectors.document_search_for(actor=soyeon, query="")) == [sent]


def test_the_search_and_statistics_pages(client, documents, minji):
    sent, other = documents
    login_official(client, minji)
    page = client.get("/office/edocs/search/", {"q": "환경 개선"}).content.decode()
    assert sent.title in page and other.title not in page
    assert client.get("/office/edocs/search/", {"date_from": "not a date"}).status_code == 400
    figures = client.get("/office/edocs/statistics/").content.decode()
    assert 'data-testid="produced">1<' in figures and "100%" in figures
