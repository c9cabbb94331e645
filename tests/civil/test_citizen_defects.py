"""The defects a new user found in civil services (issue 13), each pinned: the consent box on a
certificate is obeyed, a second moving-in report is refused while one is open, an application
can be withdrawn (취하) and shows what was submitted, the address of a move keeps its 시도 and
시군구, and the household copy (등본) gives each member's 전입일."""

import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone
from pypdf import PdfReader

from egov.civil import services
from egov.civil.models import Application
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.documents.services import document_pdf
from egov.registry.addresses import full_road_address
from egov.registry.models import LifeEvent
from tests import factories
from tests.conftest import login_official


def key():
    return uuid.uuid4().hex


def _moving_in(citizen, catalogue, agency, road="테헤란로 152", **extra):
    return services.application_submit(
        actor=citizen, service=catalogue["moving-in"], idempotency_key=key(),
        data={"agency": agency.code, "road_address": road, "address_detail": "12층 1201호",
              "postal_code": "06236", "moved_on": timezone.localdate().isoformat(), **extra},
    )  # fmt: skip


# --- consent ---------------------------------------------------------------------------------


def test_alice_gets_no_certificate_while_the_consent_box_is_unticked(catalogue, citizen):
    with pytest.raises(ValidationFailed) as refused:
        services.certificate_issue(
            actor=citizen, service=catalogue["resident-abstract"], idempotency_key=key()
        )
    assert refused.value.field == "consent"
    assert not Application.objects.exists()


def test_the_certificate_page_refuses_an_unticked_box_and_names_it(catalogue, citizen, client):
    client.force_login(citizen)
    response = client.post(
        "/services/resident-abstract/apply",
        {"idempotency_key": key(), "language": "ko"},
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    assert response.status_code == 400 and not Application.objects.exists()
    assert 'id="id_consent_error"' in response.content.decode()
    ticked = client.post(
        "/services/resident-abstract/apply", {"idempotency_key": key(), "language": "ko", "consent": "on"}
    )
    assert ticked.status_code == 302 and Application.objects.get().document_id


# --- one moving-in report at a time ------------------------------------------------------------


def test_alice_cannot_send_a_second_moving_in_report_while_the_first_is_open(
    catalogue, citizen, gangnam, carol
):
    first = _moving_in(citizen, catalogue, gangnam)
    with pytest.raises(Conflict) as refused:
        _moving_in(citizen, catalogue, gangnam, road="봉은사로 1")
    assert refused.value.field == "service" and first.number in refused.value.message
    assert Application.objects.filter(service__handler="moving_in").count() == 1
    with pytest.raises(Conflict):  # nor can an official record one for her at the counter
        services.counter_application_record(
            actor=carol, service=catalogue["moving-in"], resident=citizen.resident, idempotency_key=key(),
            data={"agency": gangnam.code, "road_address": "봉은사로 1", "postal_code": "06000",
                  "moved_on": timezone.localdate().isoformat()},
        )  # fmt: skip
    services.application_approve(actor=carol, application=first)
    second = _moving_in(citizen, catalogue, gangnam, road="봉은사로 1")  # decided: a new move is fine
    assert second.state == "submitted"


# --- withdrawal --------------------------------------------------------------------------------


def test_alice_withdraws_her_open_application_and_may_then_file_again(catalogue, citizen, gangnam, carol):
    application = _moving_in(citizen, catalogue, gangnam)
    services.application_withdraw(actor=citizen, application=application, reason="이사 취소")
    application.refresh_from_db()
    assert application.state == "withdrawn" and application.decided_at and not application.is_open
    assert [e.action for e in application.events.all()] == ["submit", "withdraw"]
    with pytest.raises(Conflict):  # closed: the official can no longer approve it
        services.application_approve(actor=carol, application=application)
    with pytest.raises(Conflict):
        services.application_withdraw(actor=citizen, application=application)
    assert _moving_in(citizen, catalogue, gangnam).state == "submitted"


def test_only_the_applicant_withdraws(catalogue, citizen, gangnam, carol, jongno):
    application = _moving_in(citizen, catalogue, gangnam)
    mallory = factories.citizen("mallory", factories.resident(jongno, "김민준", "Kim Minjun"))
    with pytest.raises(NotFound):
        services.application_withdraw(actor=mallory, application=application)
    with pytest.raises(NotFound):
        services.application_withdraw(actor=carol, application=application)
    application.refresh_from_db()
    assert application.state == "submitted"


def test_alice_sees_what_she_submitted_and_withdraws_from_her_page(catalogue, citizen, gangnam, client):
    application = _moving_in(citizen, catalogue, gangnam, whole_household=True)
    client.force_login(citizen)
    page = client.get(f"/my/applications/{application.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'data-testid="submitted"' in page and 'data-testid="withdraw"' in page
    for shown in ("서울특별시 강남구 테헤란로 152", "12층 1201호", "06236", "전입한 시·군·구", "예"):
        assert shown in page
    for code in ("road_address", "whole_household", "3220000", "True"):
        assert code not in page
    done = client.post(f"/my/applications/{application.number}/withdraw", {"reason": "이사 취소"})
    assert done.status_code == 302
    page = client.get(f"/my/applications/{application.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "취하" in page and 'data-testid="withdraw"' not in page


def test_the_official_sees_labels_not_field_codes(catalogue, citizen, gangnam, carol, client):
    application = _moving_in(citizen, catalogue, gangnam, whole_household=True)
    login_official(client, carol)
    page = client.get(
        f"/office/civil/applications/{application.number}/", HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "서울특별시 강남구 테헤란로 152" in page and "새 도로명주소" in page
    for code in ("road_address", "address_detail", "postal_code", "moved_on", "whole_household", ">True<"):
        assert code not in page


# --- the address of a move ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("테헤란로 152", "서울특별시 강남구 테헤란로 152"),
        ("강남구 테헤란로 152", "서울특별시 강남구 테헤란로 152"),
        ("서울특별시  강남구 테헤란로 152", "서울특별시 강남구 테헤란로 152"),
    ],
)
def test_the_road_address_gets_its_province_and_district(typed, stored):
    assert full_road_address(typed, "서울특별시 강남구") == stored


def test_approving_a_household_move_stores_the_full_address_for_every_member(
    catalogue, gangnam, carol, jongno
):
    head = factories.resident(jongno, "한병철", "Han Byeongcheol")
    spouse = factories.resident(
        jongno, "김지은", "Kim Jieun", sex="F", household=head.household, relation_to_head="spouse"
    )
    citizen = factories.citizen("han", head)
    application = _moving_in(citizen, catalogue, gangnam, whole_household=True)
    services.application_approve(actor=carol, application=application)
    for person in (head, spouse):
        person.refresh_from_db()
        assert person.road_address == "서울특별시 강남구 테헤란로 152"
        assert "서울특별시 강남구 테헤란로 152" in person.full_address


# --- 등본 전입일 ------------------------------------------------------------------------------------


def test_the_household_copy_gives_each_members_moving_in_date(catalogue, citizen):
    resident = citizen.resident
    LifeEvent.objects.create(
        resident=resident, kind=LifeEvent.Kind.MOVE, occurred_on=dt.date(2019, 3, 4),
        reason="전입", legal_basis="주민등록법 제16조",
    )  # fmt: skip
    issued = services.certificate_issue(
        consent=True, actor=citizen, service=catalogue["resident-copy"], idempotency_key=key()
    )
    text = PdfReader(io.BytesIO(document_pdf(issued.document))).pages[0].extract_text()
    assert "2019-03-04" in text


def test_my_page_names_an_open_application_in_korean_only(catalogue, citizen, gangnam, client):
    application = _moving_in(citizen, catalogue, gangnam)
    service = catalogue["moving-in"]
    client.force_login(citizen)
    page = client.get("/my/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert application.number in page and service.name_ko in page
    assert f"({service.name_en})" not in page  # e-mails name it in both languages; a page does not
