"""Data requests (공공데이터 제공 신청) on the case kernel: anyone asks, the agency answers within
the deadline, refusals state the ground, and request and answer are public."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from egov.core.deadlines.holiday_calendar import SEOUL, calendar_get
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.opendata.models import DataRequest
from egov.opendata.services import (
    data_request_extend,
    data_request_file,
    data_request_provide,
    data_request_refuse,
)
from tests import factories
from tests.conftest import login_official


@pytest.fixture(autouse=True)
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def asker(alice):
    alice.email = "alice@example.kr"
    alice.save(update_fields=["email"])
    return alice


@pytest.fixture
def seoul_registrar(seoul):
    """Minho handles Seoul's data requests."""
    return factories.official("minho", seoul, roles=("viewer", "registrar"))


@pytest.fixture
def filed(asker, seoul):
    return data_request_file(
        actor=asker,
        agency_code="6110000",
        title="따릉이 대여소별 이용 건수",
        content="2025년 대여소별 월간 이용 건수",
        purpose="연구",
    )


def test_a_citizen_asks_and_the_clock_gives_ten_business_days(
    asker, seoul, django_capture_on_commit_callbacks
):
    # Submitted Monday 2026-05-04 at 10:00 in Seoul. The first day counts (docs/deadlines.md);
    # 어린이날 (Tuesday 05-05) and the weekend of 05-09/10 and 05-16/17 do not: 05-04 (1),
    # 05-06..08 (2-4), 05-11..15 (5-9), Monday 05-18 (10). Due at the end of that day.
    submitted = dt.datetime(2026, 5, 4, 10, 0, tzinfo=SEOUL)
    calendar = calendar_get()
    assert not calendar.is_business_day(dt.date(2026, 5, 5))  # the engine knows 어린이날
    with mock.patch("django.utils.timezone.now", return_value=submitted):
        with django_capture_on_commit_callbacks(execute=True):
            filed = data_request_file(
                actor=asker, agency_code="6110000", title="공원 목록", content="공원 위치"
            )
    assert filed.number.startswith("ODR-") and filed.state == "received"
    assert filed.submitted_at == submitted
    due = timezone.localtime(filed.clock.due_at, SEOUL)
    assert due.date() == dt.date(2026, 5, 18) and (due.hour, due.minute) == (23, 59)
    counted = [
        submitted.date() + dt.timedelta(days=n)
        for n in range((due.date() - submitted.date()).days + 1)
        if calendar.is_business_day(submitted.date() + dt.timedelta(days=n))
    ]
    assert len(counted) == 10 and counted[0] == submitted.date() and counted[-1] == due.date()
    assert "2026-05-18" in mail.outbox[0].body
    assert filed.events.get().action == "file"
    assert mail.outbox and "공공데이터 제공 신청" in mail.outbox[0].subject


def test_an_official_cannot_file_and_bad_input_names_the_field(seoul_registrar, asker, seoul):
    with pytest.raises(PermissionDenied):
        data_request_file(actor=seoul_registrar, agency_code="6110000", title="x", content="y")
    with pytest.raises(ValidationFailed) as caught:
        data_request_file(actor=asker, agency_code="6110000", title=" ", content="y")
    assert caught.value.field == "title"
    with pytest.raises(ValidationFailed) as caught:
        data_request_file(actor=asker, agency_code="0000000", title="x", content="y")
    assert caught.value.field == "agency"
    assert not DataRequest.objects.exists()


def test_the_agency_provides_the_data_naming_its_dataset(filed, seoul_registrar, bus_dataset):
    done = data_request_provide(
        actor=seoul_registrar, request=filed, answer="공개했습니다.", dataset_name="bus-riders"
    )
    assert done.state == "provided" and done.dataset == bus_dataset and done.clock.closed_at is not None
    with pytest.raises(Conflict):
        data_request_refuse(actor=seoul_registrar, request=done, ground="not_held", answer="x")


def test_providing_needs_a_dataset_of_the_agency_itself(filed, seoul_registrar, mois):
    from egov.core.open_data import FileOutput, OpenDataFeed
    from egov.opendata.services import feed_refresh

    feed_refresh(
        feed=OpenDataFeed(
            slug="mois-file", title_ko="행안부 자료", title_en="x", publisher_code="1741000", theme="finance",
            frequency="annual", licence="kogl-type1",
            build=lambda: FileOutput(name="f", format="CSV", media_type="text/csv", content=b"a"),
        ),
        force=True,
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as caught:
        data_request_provide(actor=seoul_registrar, request=filed, answer="x", dataset_name="mois-file")
    assert caught.value.field == "dataset"
    assert DataRequest.objects.get(pk=filed.pk).state == "received"


def test_a_refusal_states_its_ground(filed, seoul_registrar):
    with pytest.raises(ValidationFailed) as caught:
        data_request_refuse(actor=seoul_registrar, request=filed, ground="", answer="안 됩니다")
    assert caught.value.field == "ground"
    with pytest.raises(ValidationFailed) as caught:
        data_request_refuse(actor=seoul_registrar, request=filed, ground="not_held", answer=" ")
    assert caught.value.field == "answer"
    done = data_request_refuse(
        actor=seoul_registrar, request=filed, ground="not_held", answer="보유하지 않습니다."
    )
    assert done.state == "refused" and done.ground == "not_held"


def test_the_agency_may_extend_once(filed, seoul_registrar):
    due = filed.clock.due_at
    extended = data_request_extend(actor=seoul_registrar, request=filed, reason="자료 취합 중")
    assert extended.state == "extended" and extended.clock.due_at > due
    with pytest.raises(Conflict):
        data_request_extend(actor=seoul_registrar, request=extended, reason="또")


def test_another_agency_cannot_decide_and_a_viewer_lacks_the_role(filed, dave, seoul_supervisor):
    with pytest.raises(NotFound):
        data_request_refuse(actor=dave, request=filed, ground="not_held", answer="x")
    with pytest.raises(PermissionDenied):
        data_request_refuse(actor=seoul_supervisor, request=filed, ground="not_held", answer="x")
    with pytest.raises(PermissionDenied):
        data_request_refuse(actor=filed.applicant, request=filed, ground="not_held", answer="x")


def test_request_and_answer_are_public_but_not_who_asked(client, filed, seoul_registrar):
    data_request_refuse(actor=seoul_registrar, request=filed, ground="third_party", answer="저작권 문제")
    client.cookies["django_language"] = "ko"
    listing = client.get("/data/requests/").content.decode()
    assert filed.number in listing and "따릉이" in listing
    page = client.get(f"/data/requests/{filed.number}/").content.decode()
    assert "저작권 문제" in page and 'data-testid="ground"' in page
    assert "alice" not in page and "이서연" not in page
    assert client.get("/data/requests/ODR-0000-000000/").status_code == 404
    assert client.get(f"/my/data/requests/{filed.number}/").status_code == 302


def test_a_citizen_asks_through_the_page(client, asker, seoul):
    client.force_login(asker)
    assert client.get("/data/requests/new").status_code == 200
    response = client.post(
        "/data/requests/new",
        {"agency": "6110000", "title": "공원 목록", "content": "공원 위치", "purpose": ""},
    )
    assert response.status_code == 302 and DataRequest.objects.get().title == "공원 목록"
    assert client.post("/data/requests/new", {"agency": "", "title": "", "content": ""}).status_code == 400


def test_the_official_decides_through_the_back_office(client, filed, seoul_registrar, bus_dataset):
    login_official(client, seoul_registrar)
    assert filed.number in client.get("/office/data/requests/").content.decode()
    assert client.get(f"/office/data/requests/{filed.number}/").status_code == 200
    bad = client.post(f"/office/data/requests/{filed.number}/refuse", {"refuse-answer": "x"})
    assert bad.status_code == 400
    ok = client.post(
        f"/office/data/requests/{filed.number}/provide",
        {"provide-dataset": "bus-riders", "provide-answer": "공개함"},
    )
    assert ok.status_code == 302 and DataRequest.objects.get().state == "provided"
    assert client.post(f"/office/data/requests/{filed.number}/nonsense").status_code == 404


def test_another_agencys_official_does_not_see_the_request(client, filed, dave):
    login_official(client, dave)
    assert client.get(f"/office/data/requests/{filed.number}/").status_code == 404
