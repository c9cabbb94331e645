"""The applications behind "visits avoided" and "papers not submitted" (issue 19 item 7): listed to
the handling agency's officials with the service, the date and the shared items fetched, never the
applicant or their ID number; nothing to another agency's official."""

from egov.civil import services
from egov.exchange.models import SharedItem
from tests.civil.test_services import _moving_in, key
from tests.conftest import login_official
from tests.kpi.conftest import advance


def _grant(citizen, catalogue):
    return services.application_submit(
        actor=citizen, service=catalogue["childbirth-grant"], idempotency_key=key(),
        data={"child_name": "이하윤", "child_birth_date": "2026-11-01", "birth_order": "둘째", "bank_account": "국민 1"},
    )  # fmt: skip


def test_an_online_application_is_behind_both_figures_for_its_agency_only(
    catalogue, citizen, jongno, bob, carol, client
):
    grant = _grant(citizen, catalogue)
    advance()
    assert grant.agency == jongno and grant.fetched and grant.service.papers_replaced
    items = list(
        SharedItem.objects.filter(code__in=[f["item"] for f in grant.fetched]).values_list(
            "name_ko", flat=True
        )
    )
    assert items
    login_official(client, bob)
    dashboard = client.get("/office/kpi/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    for code in ("visits_avoided", "papers_avoided"):
        assert f"/office/kpi/{code}/cases/" in dashboard, code
        text = client.get(f"/office/kpi/{code}/cases/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
        assert f'href="/office/civil/applications/{grant.number}/"' in text, code
        assert grant.service.name_ko in text and all(name in text for name in items)
        assert f"서류 {grant.service.papers_replaced}건 대체" in text
        assert grant.subject.name_ko not in text and citizen.username not in text  # nobody's name or number
    assert client.get(f"/office/civil/applications/{grant.number}/").status_code == 200
    scoped = client.get("/office/kpi/visits_avoided/cases/?service=resident-abstract").content.decode()
    assert grant.number not in scoped
    client.logout()
    login_official(client, carol)  # Gangnam-gu
    assert grant.number not in client.get("/office/kpi/visits_avoided/cases/").content.decode()
    assert grant.number not in client.get("/office/kpi/papers_avoided/cases/").content.decode()


def test_an_online_application_that_fetched_nothing_is_a_visit_avoided_not_papers(
    catalogue, citizen, gangnam, carol, client
):
    moving = _moving_in(citizen, catalogue, gangnam)
    assert not moving.fetched
    login_official(client, carol)
    assert moving.number in client.get("/office/kpi/visits_avoided/cases/").content.decode()
    assert moving.number not in client.get("/office/kpi/papers_avoided/cases/").content.decode()
