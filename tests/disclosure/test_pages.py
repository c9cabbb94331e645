"""The disclosure pages: making and following a request, objecting, downloading released files
(requesters); the case page (officials of the agency only); the public list, which never shows
the requester; proactive publications."""

from django.core.files.uploadedfile import SimpleUploadedFile

from egov.cases.models import CaseAttachment
from egov.disclosure import publications, selectors, services
from egov.disclosure.models import DisclosureRequest, Publication
from tests.conftest import login_official
from tests.disclosure.conftest import EXE, PDF, PNG
from tests.disclosure.test_services import refuse, request_one, upload


def asking(**overrides):
    data = {
        "agency": "3000000",
        "title": "도로공사 심의위원회 회의록",
        "content": "2025년 회의록 전부",
        "release_form": "electronic",
    }
    data.update(overrides)
    return data


def test_a_citizen_makes_a_request_and_follows_it(requester, jongno, client):
    client.force_login(requester)
    assert client.get("/disclosure/new/").status_code == 200
    response = client.post("/disclosure/new/", asking())
    assert response.status_code == 302, response.content.decode()[:2000]
    request = DisclosureRequest.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert request.number in page and 'data-testid="due-explanation"' in page
    assert request.number in client.get("/my/disclosure/").content.decode()


def test_bad_input_is_a_field_error_and_nothing_is_filed(requester, jongno, client):
    client.force_login(requester)
    for field, value in (("title", ""), ("content", "x" * 4001), ("agency", ""), ("release_form", "fax")):
        response = client.post("/disclosure/new/", asking(**{field: value}))
        assert response.status_code == 400 and field in response.context["form"].errors
        assert 'class="egov-error"' in response.content.decode()
    assert DisclosureRequest.objects.count() == 0


def test_the_public_list_never_shows_the_requester(requester, jongno, bob, client):
    refuse(bob, request_one(requester, jongno))
    services.request_decide(
        actor=bob, request=request_one(requester, jongno, title="예산 집행 내역"), outcome="partial",
        grounds="일부 비공개", withheld_parts=[("6", "수령인 이름")],
    )  # fmt: skip
    page = client.get("/disclosure/").content.decode()
    assert "도로공사 심의위원회 회의록" in page and "예산 집행 내역" in page and "Jongno-gu, Seoul" in page
    assert "제9조제1항제4호" in page and "제9조제1항제6호" in page and 'data-outcome="partial"' in page
    resident = requester.resident
    for identifying in ("alice", "alice@example.kr", resident.name_ko, resident.name_en):
        assert identifying not in page
    for row in selectors.public_request_list():
        assert not any("requester" in key or "user" in key for key in row)


def test_another_agencys_official_gets_404_everywhere(requester, jongno, bob, carol, client):
    request = services.request_decide(actor=bob, request=request_one(requester, jongno), outcome="full")
    [released] = services.release_upload(actor=bob, request=request, uploads=[upload("a.pdf", PDF)])
    login_official(client, carol)
    assert client.get(f"/office/disclosure/{request.number}/").status_code == 404
    assert client.get(f"/office/disclosure/{request.number}/files/{released.pk}").status_code == 404
    assert (
        client.post(f"/office/disclosure/{request.number}/extend", {"extend-reason": "x"}).status_code == 404
    )
    assert request.number not in client.get("/office/disclosure/").content.decode()


def test_an_official_decides_partially_and_releases_a_file_the_requester_downloads(
    requester, frank, jongno, bob, client
):
    request = request_one(requester, jongno)
    login_official(client, bob)
    assert request.number in client.get("/office/disclosure/").content.decode()
    assert client.get(f"/office/disclosure/{request.number}/").status_code == 200
    response = client.post(
        f"/office/disclosure/{request.number}/decide", {"outcome": "partial", "grounds": "일부 비공개"}
    )
    assert response.status_code == 400 and 'id="id_withheld_parts_error"' in response.content.decode()
    response = client.post(
        f"/office/disclosure/{request.number}/decide",
        {"outcome": "partial", "grounds": "일부 비공개", "withheld_parts": "6: 위원 연락처\n7: 업체 단가"},
    )
    assert response.status_code == 302
    disguised = SimpleUploadedFile("회의록.pdf", EXE)
    response = client.post(f"/office/disclosure/{request.number}/release", {"files": [disguised]})
    assert response.status_code == 400 and 'id="id_files_error"' in response.content.decode()
    assert CaseAttachment.objects.count() == 0
    response = client.post(
        f"/office/disclosure/{request.number}/release", {"files": [SimpleUploadedFile("회의록.pdf", PDF)]}
    )
    assert response.status_code == 302
    released = CaseAttachment.objects.get()
    client.logout()
    client.force_login(requester)
    page = client.get(f"/my/disclosure/{request.number}/").content.decode()
    assert "위원 연락처" in page and "회의록.pdf" in page
    download = client.get(f"/my/disclosure/{request.number}/files/{released.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and download["Cache-Control"] == "private, no-store"
    client.force_login(frank)
    assert client.get(f"/my/disclosure/{request.number}/").status_code == 404
    assert client.get(f"/my/disclosure/{request.number}/files/{released.pk}").status_code == 404


def test_the_requester_objects_through_the_page(requester, jongno, bob, client):
    request = refuse(bob, request_one(requester, jongno))
    client.force_login(requester)
    assert "이의신청" in client.get(f"/my/disclosure/{request.number}/").content.decode()
    assert client.post(f"/my/disclosure/{request.number}/objection", {"reason": ""}).status_code == 400
    response = client.post(f"/my/disclosure/{request.number}/objection", {"reason": "수사가 끝났습니다"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "objected"


def test_an_agency_publishes_a_document_anyone_downloads(jongno, bob, carol, client):
    login_official(client, bob)
    response = client.post(
        "/office/disclosure/publications/",
        {
            "title": "2026년 업무계획",
            "description": "종로구 업무계획",
            "file": SimpleUploadedFile("plan.png", PNG),
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/office/disclosure/publications/", {"title": "위장", "file": SimpleUploadedFile("plan.pdf", PNG)}
    )
    assert response.status_code == 400 and 'id="id_file_error"' in response.content.decode()
    publication = Publication.objects.get()
    assert publication.agency == jongno
    client.logout()
    page = client.get("/disclosure/publications/").content.decode()
    assert "2026년 업무계획" in page and "Jongno-gu, Seoul" in page
    download = client.get(f"/disclosure/publications/{publication.pk}/file")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    login_official(client, carol)
    response = client.post(f"/office/disclosure/publications/{publication.pk}/withdraw", {"reason": "x"})
    assert response.status_code == 404
    publications.publication_withdraw(actor=bob, publication=publication, reason="개정판 게시")
    assert client.get(f"/disclosure/publications/{publication.pk}/file").status_code == 404


def test_the_pages_render_in_korean(requester, jongno, bob, client):
    request = refuse(bob, request_one(requester, jongno))
    services.objection_file(actor=requester, request=request, reason="수사 종결")
    headers = {"HTTP_ACCEPT_LANGUAGE": "ko"}
    client.cookies["django_language"] = "ko"
    for path in ("/disclosure/", "/disclosure/publications/"):
        assert client.get(path, **headers).status_code == 200
    client.force_login(requester)
    for path in ("/disclosure/new/", "/my/disclosure/", f"/my/disclosure/{request.number}/"):
        assert client.get(path, **headers).status_code == 200
    client.logout()
    login_official(client, bob)
    for path in (
        "/office/disclosure/",
        f"/office/disclosure/{request.number}/",
        "/office/disclosure/publications/",
    ):
        page = client.get(path, **headers)
        assert page.status_code == 200
    assert "제9조제1항제4호" in client.get(f"/office/disclosure/{request.number}/").content.decode()


def test_the_history_names_each_step_in_korean(requester, jongno, bob, client):
    request = refuse(bob, request_one(requester, jongno))
    services.objection_file(actor=requester, request=request, reason="수사 종결")
    client.cookies["django_language"] = "ko"
    client.force_login(requester)
    page = client.get(f"/my/disclosure/{request.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    history = page[page.index('data-testid="history"') :]
    for step, state in (("청구", "접수"), ("공개 여부 결정", "결정 완료"), ("이의신청", "이의신청 접수")):
        assert f"<strong>{step}</strong> · {state}" in history
    for code in ("(file)", "(decide)", "(object)"):
        assert code not in history


def test_bob_opening_alices_request_appears_on_her_who_looked_page(requester, jongno, bob, client):
    from egov.exchange.models import AccessLogEntry

    request = request_one(requester, jongno)
    login_official(client, bob)
    assert client.get(f"/office/disclosure/{request.number}/").status_code == 200
    entry = AccessLogEntry.objects.get(item_code="disclosure.request")
    assert entry.subject_id == requester.resident_id and entry.case_ref == request.number
    client.force_login(requester)
    page = client.get("/my/access-log/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "정보공개 청구서 열람" in page and "정보공개 담당 공무원" in page and "bob" not in page
