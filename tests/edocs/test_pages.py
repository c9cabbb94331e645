"""On-nara's pages: each page as an official uses it, and every refusal through the page."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.edocs.models import OfficialDocument, ReceivedDocument
from egov.edocs.services.approval import document_sign, document_submit
from egov.edocs.services.delivery import document_dispatch, receipt_register
from tests.conftest import login_official
from tests.edocs.stepup import authenticator_for, fresh, totp_code


def docx_upload(name="계획.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def _form(junho, soyeon, park, gangnam, **overrides):
    values = {
        "kind": "notice",
        "title": "민원실 환경 개선 협조 요청",
        "content": "1. 관련: 총무과-100\n2. 협조를 요청합니다.",
        "recipient_agencies": [str(gangnam.pk)],
        "reviewers": [str(junho.pk)],
        "cooperators": [str(soyeon.pk)],
        "approver": str(park.pk),
        "disclosure": "public",
        "disclosure_ground": "",
    }
    values.update(overrides)
    return values


@pytest.fixture
def approved(draft, minji, junho, soyeon, park, gangnam_office):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    for official in (junho, soyeon, park):
        document = document_sign(actor=official, step_up=fresh(official), document=document)
    return document


def test_minji_drafts_from_the_notice_template_with_a_word_file_and_submits(
    client, minji, junho, soyeon, park, gangnam
):
    login_official(client, minji)
    page = client.get("/office/edocs/new/?kind=notice").content.decode()
    assert "협조를 요청" in page or "1." in page
    response = client.post(
        "/office/edocs/new/", {**_form(junho, soyeon, park, gangnam), "attachments": [docx_upload()]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = OfficialDocument.objects.get()
    assert document.files.get().content_type.endswith("wordprocessingml.document")
    assert [s.role for s in document.steps.order_by("order")] == ["draft", "review", "cooperate", "approve"]
    page = client.get(response["Location"]).content.decode()
    assert "계획.docx" in page and 'data-testid="submit"' in page
    url = f"/office/edocs/documents/{document.number}/submit"
    assert client.post(url).status_code == 400  # her key signs only with a fresh code
    assert client.post(url, {"otp_token": totp_code(minji)}).status_code == 302
    document.refresh_from_db()
    assert document.state == "in_approval"
    download = client.get(f"/office/edocs/documents/{document.number}/attachments/{document.files.get().pk}")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"


def test_templates_differ_per_kind(client, minji):
    login_official(client, minji)
    budget = client.get("/office/edocs/new/?kind=budget").content.decode()
    plan = client.get("/office/edocs/new/?kind=plan").content.decode()
    assert budget != plan


def test_bad_drafts_are_field_errors_and_nothing_is_kept(client, minji, junho, soyeon, park, gangnam):
    login_official(client, minji)
    cases = [
        {"title": ""},
        {"approver": ""},
        {"recipient_agencies": []},
        {"disclosure": "closed"},
        {"attachments": [SimpleUploadedFile("가짜.docx", b"%PDF-1.7 not a word file")]},
    ]
    for overrides in cases:
        response = client.post("/office/edocs/new/", _form(junho, soyeon, park, gangnam, **overrides))
        assert response.status_code == 400, overrides
        assert 'class="egov-error"' in response.content.decode()
    assert not OfficialDocument.objects.exists()


def test_the_line_acts_in_turn_from_the_queue_and_the_page_shows_verified_signatures(
    draft, minji, junho, soyeon, park
):
    from django.test import Client

    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    clients = {u.username: login_official(Client(), u) for u in (minji, junho, soyeon, park)}
    assert document.title not in clients["soyeon"].get("/office/edocs/").content.decode()  # not her turn yet
    url = f"/office/edocs/documents/{document.number}"
    soyeon_key = authenticator_for(soyeon)

    def soyeon_signs():
        options = clients["soyeon"].post(f"{url}/step-up/sign").json()
        return clients["soyeon"].post(f"{url}/sign", {"passkey_assertion": soyeon_key.get(options)})

    response = soyeon_signs()
    assert response.status_code == 400 and "not your turn" in response.content.decode()
    assert document.title in clients["junho"].get("/office/edocs/").content.decode()
    # Junho has a passkey: the page asks his authenticator for an assertion bound to this act.
    key = authenticator_for(junho)
    page = clients["junho"].get(f"{url}/").content.decode()
    assert 'data-passkey="step-up"' in page and 'name="otp_token"' not in page
    options = clients["junho"].post(f"{url}/step-up/sign").json()
    assert options["userVerification"] == "required"
    response = clients["junho"].post(
        f"{url}/sign", {"comment": "이상 없음", "passkey_assertion": key.get(options)}
    )
    assert response.status_code == 302
    response = soyeon_signs()
    assert response.status_code == 302, response.content.decode()[-3000:]
    # Director Park has no passkey: a fresh code from his authenticator app.
    assert clients["park"].post(f"{url}/sign").status_code == 400
    response = clients["park"].post(f"{url}/sign", {"otp_token": totp_code(park)})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == "approved" and document.registration_number == "총무과-1"
    page = clients["minji"].get(f"/office/edocs/documents/{document.number}/").content.decode()
    assert page.count("Verified") + page.count("검증됨") == 4
    assert "이상 없음" in page and 'data-testid="dispatch"' in page


def test_a_return_needs_a_comment_through_the_page(client, draft, minji, junho):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    login_official(client, junho)
    url = f"/office/edocs/documents/{document.number}/return"
    assert client.post(url, {"comment": ""}).status_code == 400
    assert client.post(url, {"comment": "예산 확인"}).status_code == 302
    document.refresh_from_db()
    assert document.state == "returned"


def test_the_approval_line_heads_its_time_column_as_signing_not_a_contract(client, draft, minji, junho):
    """The line's time column read 계약일 (a contract's date: the procurement msgid "Signed")."""
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    login_official(client, junho)
    answer = client.get(f"/office/edocs/documents/{document.number}/", HTTP_ACCEPT_LANGUAGE="ko")
    page = answer.content.decode()
    assert "서명일시" in page and "계약일" not in page


def test_officials_outside_the_line_and_department_do_not_see_or_act(
    client, draft, minji, junho, carol, gangnam_clerk, finance
):
    from tests.edocs.conftest import _post

    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    login_official(client, gangnam_clerk)  # another agency
    assert client.get(f"/office/edocs/documents/{document.number}/").status_code == 404
    assert client.post(f"/office/edocs/documents/{document.number}/sign").status_code == 404
    attachment = document.files.get()
    url = f"/office/edocs/documents/{document.number}/attachments/{attachment.pk}"
    assert client.get(url).status_code == 404
    client.logout()
    colleague = _post("jiwoo", finance, 10, "주무관", "윤지우")  # same agency, other department, not on line
    login_official(client, colleague)
    assert client.get(f"/office/edocs/documents/{document.number}/").status_code == 404
    client.logout()
    login_official(client, carol)  # an official without a post
    assert client.get("/office/edocs/").status_code == 403


def test_a_citizen_is_refused_the_office_pages(client, alice_resident):
    from tests import factories

    client.force_login(factories.citizen("alice", alice_resident))
    assert client.get("/office/edocs/").status_code == 403


def test_dispatch_form_sends_and_the_receiving_side_registers_assigns_and_answers(
    client, approved, minji, gangnam_clerk, gangnam_officer
):
    login_official(client, minji)
    form = client.get(f"/office/edocs/documents/{approved.number}/dispatch").content.decode()
    assert "강남구" in form and 'data-testid="send"' in form
    assert client.post(f"/office/edocs/documents/{approved.number}/dispatch").status_code == 302
    approved.refresh_from_db()
    assert approved.state == "dispatched"
    assert client.post(f"/office/edocs/documents/{approved.number}/dispatch").status_code == 400  # once
    client.logout()
    receipt = ReceivedDocument.objects.get()
    login_official(client, gangnam_clerk)
    assert approved.title in client.get("/office/edocs/received/").content.decode()
    assert client.post(f"/office/edocs/received/{receipt.number}/register").status_code == 302
    receipt.refresh_from_db()
    assert receipt.receipt_number == "행정지원과-1"
    url = f"/office/edocs/received/{receipt.number}/assign"
    assert client.post(url, {"assignee": "999999"}).status_code == 400
    response = client.post(url, {"assignee": str(gangnam_officer.pk)})
    assert response.status_code == 302
    client.logout()
    login_official(client, gangnam_officer)
    page = client.get(f"/office/edocs/received/{receipt.number}/").content.decode()
    assert 'data-testid="answer"' in page
    reply = client.get(f"/office/edocs/new/?reply={receipt.number}").content.decode()
    assert 'data-testid="reply"' in reply


def test_the_receiving_pages_refuse_other_departments(client, approved, minji, gangnam_officer):
    document_dispatch(actor=minji, document=approved)
    receipt = ReceivedDocument.objects.get()
    login_official(client, gangnam_officer)  # welfare, not the registry office
    assert client.get(f"/office/edocs/received/{receipt.number}/").status_code == 404
    assert client.post(f"/office/edocs/received/{receipt.number}/register").status_code == 404
    assert client.get(f"/office/edocs/new/?reply={receipt.number}").status_code == 404
    client.logout()
    login_official(client, minji)  # the sender does not see the receiving side
    assert client.get(f"/office/edocs/received/{receipt.number}/").status_code == 404


def test_the_department_register_lists_registered_documents(client, approved, minji, gangnam_clerk):
    login_official(client, minji)
    page = client.get("/office/edocs/register/").content.decode()
    assert "총무과-1" in page
    client.logout()
    login_official(client, gangnam_clerk)
    assert "총무과-1" not in client.get("/office/edocs/register/").content.decode()


def test_the_registered_receipt_shows_its_number(client, approved, minji, gangnam_clerk):
    [message] = document_dispatch(actor=minji, document=approved)
    receipt_register(actor=gangnam_clerk, receipt=message.receipt)
    login_official(client, gangnam_clerk)
    page = client.get("/office/edocs/received/?state=registered").content.decode()
    assert "행정지원과-1" in page


def test_the_receipt_names_an_assignee_without_display_name_by_title_not_login(
    client, approved, minji, gangnam_clerk, gangnam_officer
):
    from egov.edocs.models import OfficialPost
    from egov.edocs.services.delivery import receipt_assign

    [message] = document_dispatch(actor=minji, document=approved)
    receipt = receipt_register(actor=gangnam_clerk, receipt=message.receipt)
    receipt_assign(actor=gangnam_clerk, receipt=receipt, assignee=gangnam_officer)
    OfficialPost.objects.filter(official=gangnam_officer).update(display_name="")
    login_official(client, gangnam_officer)
    page = client.get(f"/office/edocs/received/{receipt.number}/").content.decode()
    [row] = re.findall(r'<th scope="row">Department</th><td>(.*?)</td>', page)
    assert gangnam_officer.username not in row and row.endswith("· 주무관")
