"""Full-text search in Korean over the documents an official may see, with filters; the
statistics page."""

import pytest

from egov.edocs import selectors
from egov.edocs.services.approval import document_sign, document_submit
from egov.edocs.services.delivery import document_dispatch
from tests.conftest import login_official
from tests.edocs.stepup import fresh


@pytest.fixture
def documents(draft, minji, junho, soyeon, park, gangnam_office):
    sent = document_submit(
        actor=minji, step_up=fresh(minji), document=draft(title="민원실 환경 개선 계획 협조 요청")
    )
    for official in (junho, soyeon, park):
        sent = document_sign(actor=official, step_up=fresh(official), document=sent)
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


def test_the_sqlite_bigram_index_is_kept_by_its_triggers_and_finds_two_syllable_words():
    """The embedded default's index, on a SQLite database of its own whatever the suite runs on:
    the statements of migration 0006 and the query `search_filter` sends there."""
    import sqlite3

    from egov.edocs import store

    db = sqlite3.connect(":memory:")
    db.create_function("edocs_bigrams", 1, store._bigram_words, deterministic=True)
    db.execute("CREATE TABLE edocs_officialdocument (id INTEGER PRIMARY KEY, title TEXT, content TEXT)")
    db.execute("INSERT INTO edocs_officialdocument VALUES (1, '민원실 환경 개선', '주차장 이용 안내')")
    for statement in store.BIGRAM_SQLITE_SETUP:  # fills the index from the rows already there
        db.execute(statement)
    db.execute("INSERT INTO edocs_officialdocument VALUES (2, '청사 주차 지침', 'Parking RULES')")

    def found(query):
        grams = store.bigrams(" ".join(query.split()))
        sql = store.GRAMS_MATCH_SQL.replace("%s", "?") + " ORDER BY rowid"
        return [row[0] for row in db.execute(sql, (store.fts_terms(grams),))]

    assert store.bigrams("민원 처리, OK") == ["민원", "처리", "ok"]
    assert found("민원") == [1] and found("주차") == [1, 2] and found("환경 개선") == [1]
    assert found("parking") == [2]  # lower-cased on both sides
    assert found("원처") == []  # a bigram across a space is not indexed
    db.execute("UPDATE edocs_officialdocument SET title = '청사 안전 점검' WHERE id = 2")
    assert found("주차") == [1] and found("점검") == [2]
    db.execute("DELETE FROM edocs_officialdocument WHERE id = 1")
    assert found("민원") == [] and found("안전") == [2]


def test_two_syllable_words_match_anywhere_in_a_word(documents, minji):
    sent, other = documents
    assert list(selectors.document_search_for(actor=minji, query="민원")) == [sent]  # 민원실
    assert list(selectors.document_search_for(actor=minji, query="차장")) == [other]  # inside 주차장
    assert not selectors.document_search_for(actor=minji, query="원실환").exists()


@pytest.mark.parametrize("walk", [False, True], ids=["bigram index", "newest first walk"])
def test_either_plan_finds_the_same_documents(documents, minji, gangnam_clerk, monkeypatch, walk):
    """A common word is searched by walking the documents newest first, a rare one through the
    bigram index (edocs.store.search_plan): both give the same answer and the same rights."""
    from django.db import connection

    from egov.edocs import store

    if connection.vendor != "postgresql":
        pytest.skip("the plan is chosen on PostgreSQL only")
    threshold = 0 if walk else 10**12
    monkeypatch.setattr(store, "WALK_MIN_MATCHES", threshold)
    monkeypatch.setattr(store, "SCAN_COUNT_MIN_MATCHES", threshold)
    sent, other = documents
    rows = store.search_filter(selectors.document_search_for(actor=minji), "주차")
    assert ("edocs_bigrams" in str(rows.query)) is not walk
    for counting in (False, True):
        found = selectors.document_search_for(actor=minji, query="환경 개선", counting=counting)
        assert list(found) == [sent]
        assert list(selectors.document_search_for(actor=minji, query="주차", counting=counting)) == [other]
        assert not selectors.document_search_for(
            actor=gangnam_clerk, query="환경", counting=counting
        ).exists()
