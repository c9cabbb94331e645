"""The records behind a figure, family by family: a record made through the app's service is
listed to the officials of its agency (Korean, paginated, linked to their page for it), and to no
other agency's official."""

from egov.kpi import selectors
from egov.petitions import services
from tests.conftest import login_official
from tests.kpi.conftest import advance
from tests.kpi.test_pages import answered


def test_the_rated_petitions_are_behind_the_satisfaction_figure(petitioner, categories, bob, client):
    mine = answered(petitioner, categories, bob)
    rated = services.petition_rate(actor=petitioner, petition=mine[0], satisfaction=4)
    advance()
    login_official(client, bob)
    page = client.get("/office/kpi/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "/office/kpi/petition_satisfaction/cases/" in page
    drill = client.get(
        f"/office/kpi/petition_satisfaction/cases/?service={rated.category.code}", HTTP_ACCEPT_LANGUAGE="ko"
    )
    text = drill.content.decode()
    assert drill.status_code == 200
    assert f'href="/office/petitions/{rated.number}/"' in text and "5점 중 4점" in text
    assert mine[1].number not in text  # answered, not rated: not behind the figure
    assert client.get(f"/office/petitions/{rated.number}/").status_code == 200  # the link is his to follow


def test_another_agencys_official_sees_none_of_the_rated_petitions(
    petitioner, categories, bob, carol, client
):
    mine = answered(petitioner, categories, bob)
    services.petition_rate(actor=petitioner, petition=mine[0], satisfaction=2)
    advance()
    login_official(client, carol)  # Gangnam-gu
    text = client.get("/office/kpi/petition_satisfaction/cases/").content.decode()
    assert mine[0].number not in text
    other = f"/office/kpi/petition_satisfaction/cases/?agency={mine[0].agency_id}"
    assert client.get(other).status_code == 404


def test_the_records_behind_a_figure_come_a_page_at_a_time(petitioner, categories, bob, monkeypatch):
    monkeypatch.setattr(selectors, "DRILL_PAGE", 1)
    for petition in answered(petitioner, categories, bob):
        services.petition_rate(actor=petitioner, petition=petition, satisfaction=5)
    first = selectors.indicator_cases_for(actor=bob, code="petition_satisfaction")
    second = selectors.indicator_cases_for(actor=bob, code="petition_satisfaction", page=2)
    assert first["page_obj"].paginator.num_pages == 2
    assert len(first["rows"]) == len(second["rows"]) == 1
    assert first["rows"][0]["number"] != second["rows"][0]["number"]


def test_the_decided_disclosure_requests_are_behind_the_disclosure_rate(
    requester, jongno, bob, carol, client
):
    from egov.disclosure import services as disclosure
    from tests.disclosure.test_services import request_one

    decided = disclosure.request_decide(actor=bob, request=request_one(requester, jongno), outcome="full")
    pending = request_one(requester, jongno)
    advance()
    login_official(client, bob)
    assert "/office/kpi/disclosure_rate/cases/" in client.get("/office/kpi/").content.decode()
    text = client.get("/office/kpi/disclosure_rate/cases/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert f'href="/office/disclosure/{decided.number}/"' in text and pending.number not in text
    assert client.get(f"/office/disclosure/{decided.number}/").status_code == 200
    client.logout()
    login_official(client, carol)  # Gangnam-gu
    assert decided.number not in client.get("/office/kpi/disclosure_rate/cases/").content.decode()


def test_the_proposals_are_behind_e_participation(alice, categories, bob, carol, client):
    from egov.participation import services as participation

    proposal = participation.proposal_post(
        actor=alice, category=categories["road-jongno"], title="종로 보행로 그늘막", body="설치해 주세요."
    )
    advance()
    login_official(client, bob)
    text = client.get("/office/kpi/e_participation/cases/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert f'href="/participation/{proposal.pk}/"' in text and "종로 보행로 그늘막 · 동의 0건" in text
    client.logout()
    login_official(client, carol)  # Gangnam-gu
    text = client.get("/office/kpi/e_participation/cases/").content.decode()
    assert f'href="/participation/{proposal.pk}/"' not in text
