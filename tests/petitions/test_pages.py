"""The petition pages: filing with attachments, following, rating and reopening (petitioners);
queue and case page (officials); attachments served only to those allowed; public statistics."""

import csv
import datetime as dt
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from egov.cases.models import CaseAttachment
from egov.cases.sweeps import case_escalations_send
from egov.petitions import services
from egov.petitions.models import Petition
from egov.petitions.procedure import PETITION
from tests.conftest import login_official
from tests.kpi.conftest import advance
from tests.petitions.conftest import EXE, PDF, PNG
from tests.petitions.test_services import file_one, upload


def filing(**overrides):
    data = {
        "kind": "complaint",
        "category": "road-jongno",
        "title": "가로등 고장",
        "body": "세종대로 가로등이 꺼져 있습니다.",
        "idempotency_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def test_a_citizen_files_with_an_attachment_and_follows_the_petition(petitioner, categories, client):
    client.force_login(petitioner)
    assert client.get("/petitions/").status_code == 200
    assert client.get("/petitions/new/").status_code == 200
    response = client.post(
        "/petitions/new/", filing(attachments=[SimpleUploadedFile("사진.png", PNG, content_type="image/png")])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    petition = Petition.objects.get()
    assert petition.files.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert petition.number in page and 'data-testid="due-explanation"' in page
    assert petition.number in client.get("/my/petitions/").content.decode()
    download = client.get(f"/my/petitions/{petition.number}/attachments/{petition.files.get().pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png" and "attachment" in download["Content-Disposition"]


def test_disguised_attachment_is_a_field_error_and_nothing_is_filed(petitioner, categories, client):
    client.force_login(petitioner)
    for name, content in (("invoice.pdf", EXE), ("scan.pdf", PNG)):
        response = client.post("/petitions/new/", filing(attachments=[SimpleUploadedFile(name, content)]))
        assert response.status_code == 400
        assert 'id="id_attachments_error"' in response.content.decode()
    assert Petition.objects.count() == 0 and CaseAttachment.objects.count() == 0


def test_empty_or_oversized_text_is_a_field_error(petitioner, categories, client):
    client.force_login(petitioner)
    for field, value in (("title", ""), ("body", "x" * 4001), ("category", "")):
        response = client.post("/petitions/new/", filing(**{field: value}))
        assert response.status_code == 400 and f'id="id_{field}_error"' in response.content.decode()
    assert Petition.objects.count() == 0


def test_others_do_not_see_a_petition_or_its_attachments(petitioner, frank, categories, client, carol):
    petition = file_one(petitioner, categories, attachments=[upload("a.pdf", PDF)])
    attachment = petition.files.get()
    client.force_login(frank)
    assert client.get(f"/my/petitions/{petition.number}/").status_code == 404
    assert client.get(f"/my/petitions/{petition.number}/attachments/{attachment.pk}").status_code == 404
    assert (
        client.post(f"/my/petitions/{petition.number}/withdraw", {"withdraw-reason": "x"}).status_code == 404
    )
    client.logout()
    assert (
        client.get(f"/my/petitions/{petition.number}/attachments/{attachment.pk}").status_code == 302
    )  # login
    login_official(client, carol)
    assert client.get(f"/office/petitions/{petition.number}/").status_code == 404
    assert client.get(f"/office/petitions/{petition.number}/attachments/{attachment.pk}").status_code == 404
    assert client.post(f"/office/petitions/{petition.number}/answer", {"answer": "x"}).status_code == 404
    petition.refresh_from_db()
    assert petition.state == "received"


def test_an_official_works_the_case_from_the_queue(petitioner, categories, bob, bob2, gangnam, client):
    petition = file_one(petitioner, categories, attachments=[upload("a.pdf", PDF)])
    other = file_one(petitioner, categories, kind="grievance")
    login_official(client, bob)
    queue = client.get("/office/petitions/?view=team").content.decode()
    assert petition.number in queue and other.number in queue
    assert client.get("/office/petitions/?view=mine").content.decode().count("/office/petitions/1AA") == 0
    page = client.get(f"/office/petitions/{petition.number}/")
    assert page.status_code == 200 and 'data-testid="due-explanation"' in page.content.decode()
    download = client.get(f"/office/petitions/{petition.number}/attachments/{petition.files.get().pk}")
    assert download.status_code == 200
    assert (
        client.post(f"/office/petitions/{petition.number}/assign", {"assignee": bob2.pk}).status_code == 302
    )
    assert client.post(f"/office/petitions/{petition.number}/start").status_code == 302
    bad = client.post(f"/office/petitions/{petition.number}/extend", {"reason": ""})
    assert bad.status_code == 400 and 'id="id_reason_error"' in bad.content.decode()
    assert (
        client.post(
            f"/office/petitions/{petition.number}/extend", {"reason": "현장 확인", "days": "2"}
        ).status_code
        == 302
    )
    again = client.post(f"/office/petitions/{petition.number}/extend", {"reason": "또"})
    assert again.status_code == 400  # the second extension is refused on the form
    assert (
        client.post(f"/office/petitions/{petition.number}/answer", {"answer": "교체했습니다."}).status_code
        == 302
    )
    petition.refresh_from_db()
    assert petition.state == "answered" and petition.assignee == bob2 and petition.clock.extensions == 1
    closed = client.post(f"/office/petitions/{petition.number}/answer", {"answer": "다시"})
    assert closed.status_code == 400 and "cannot be done now" in closed.content.decode()
    moved = client.post(
        f"/office/petitions/{other.number}/transfer", {"to_agency": gangnam.pk, "reason": "관할"}
    )
    assert moved.status_code == 302
    assert client.get(f"/office/petitions/{other.number}/").status_code == 404


def test_the_petitioner_rates_and_reopens_on_the_page(petitioner, categories, bob, client):
    petition = services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
    client.force_login(petitioner)
    page = client.get(f"/my/petitions/{petition.number}/").content.decode()
    assert 'data-testid="answer"' in page
    assert client.post(f"/my/petitions/{petition.number}/rate", {"satisfaction": "9"}).status_code == 400
    assert client.post(f"/my/petitions/{petition.number}/rate", {"satisfaction": "2"}).status_code == 302
    empty = client.post(f"/my/petitions/{petition.number}/reopen", {"reopen-reason": ""})
    assert empty.status_code == 400
    response = client.post(f"/my/petitions/{petition.number}/reopen", {"reopen-reason": "여전히 고장"})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == "reopened" and petition.reopen_count == 1


def test_officials_may_not_file_and_anonymous_users_log_in(bob, categories, client):
    assert client.get("/petitions/new/").status_code == 302
    client.force_login(bob)
    assert client.get("/petitions/new/").status_code == 403


def test_public_statistics_page_and_csv(petitioner, categories, bob, client):
    answered = services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
    services.petition_rate(actor=petitioner, petition=answered, satisfaction=4)
    file_one(petitioner, categories)
    file_one(petitioner, categories, code="parking-gangnam")
    advance()  # the worker's tick: the statistics read the rollups
    page = client.get("/petitions/statistics/")
    assert page.status_code == 200 and "Roads and traffic (Jongno-gu)" in page.content.decode()
    assert 'data-testid="statistics-monthly"' in page.content.decode()
    response = client.get("/petitions/statistics.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    road = next(r for r in rows if r["category_code"] == "road-jongno")
    assert road["petitions"] == "2" and road["answered"] == "1" and road["on_time_share"] == "1.000"
    assert road["average_business_days"] == "1.00" and road["average_satisfaction"] == "4.00"
    assert {r["category_code"] for r in rows} == {"road-jongno", "parking-gangnam"}
    assert "alice" not in response.content.decode()
    assert client.get("/petitions/statistics/?year=1999").status_code == 200  # falls back to this year


def test_submitting_the_filing_form_twice_files_one_petition(petitioner, categories, client):
    client.force_login(petitioner)
    data = filing()
    first = client.post("/petitions/new/", data)
    again = client.post("/petitions/new/", {**data, "title": "다시 보냄"})
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert Petition.objects.filter(petitioner=petitioner).count() == 1
    assert client.post("/petitions/new/", filing()).status_code == 302  # a new form: a new petition
    assert Petition.objects.filter(petitioner=petitioner).count() == 2


def test_the_history_tells_people_each_step_in_korean(petitioner, categories, bob, jongno_admin, client):
    petition = file_one(petitioner, categories)
    services.petition_assign(actor=bob, petition=petition, assignee=bob)
    case_escalations_send(procedure=PETITION, now=timezone.now() + dt.timedelta(days=60))
    services.petition_answer(actor=bob, petition=petition, answer="교체했습니다.")
    services.petition_rate(actor=petitioner, petition=petition, satisfaction=4)
    client.force_login(petitioner)
    page = client.get(f"/my/petitions/{petition.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    history = page.split('data-testid="history"')[1].split("</ol>")[0]
    for step in ("접수", "배정", "상급자 보고", "답변", "만족도 평가", "종결"):
        assert f"<strong>{step}</strong>" in history, step
    assert "(file)" not in history and "(assign)" not in history
    login_official(client, bob)
    office = client.get(f"/office/petitions/{petition.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "<strong>배정</strong> · 담당자 지정" in office and "상급자 보고" in office


def test_bob_opening_alices_petition_appears_on_her_who_looked_page(petitioner, categories, bob, client):
    from egov.exchange.models import AccessLogEntry

    petition = file_one(petitioner, categories)
    login_official(client, bob)
    assert client.get(f"/office/petitions/{petition.number}/").status_code == 200
    entry = AccessLogEntry.objects.get(item_code="petitions.petition")
    assert entry.subject_id == petitioner.resident_id and entry.case_ref == petition.number
    client.force_login(petitioner)
    page = client.get("/my/access-log/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "민원 내용 열람" in page and "국민신문고 민원 담당 공무원" in page and "bob" not in page
