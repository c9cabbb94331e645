"""A receiver checks a signed document in the browser: by number, then by uploading the PDF."""

import pytest

from egov.documents.services import document_issue, document_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = {"name": "이서연", "rrn": "900101-2******", "address": "서울특별시 종로구 세종대로 209"}


def test_verify_a_document_by_number_and_by_file(
    page, live_server, alice_resident, jongno, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    document = document_issue(
        actor=None, doc_type="resident.abstract", subject=alice_resident, payload=PAYLOAD, agency=jongno
    )
    page.goto(f"{live_server.url}/verify")
    page.shot("verify-page")
    page.fill("#id_number", document.number_display)
    page.get_by_role("button", name="확인", exact=True).click()
    result = page.locator(".egov-verify-result")
    result.wait_for()
    page.shot("valid-by-number")
    assert "유효" in result.inner_text() or "Valid" in result.inner_text()
    assert document.pdf_sha256 in result.inner_text()
    assert "이서연" not in page.content()  # never the personal content

    pdf = tmp_path / "received.pdf"
    pdf.write_bytes(document_pdf(document))
    page.set_input_files("#id_file", str(pdf))
    page.get_by_role("button", name="파일 확인").click()
    page.locator(".egov-verify-result").wait_for()
    page.shot("valid-by-file")
    assert document.number_display in page.locator(".egov-verify-result").inner_text()

    tampered = tmp_path / "tampered.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 1
    tampered.write_bytes(bytes(data))
    page.set_input_files("#id_file", str(tampered))
    page.get_by_role("button", name="파일 확인").click()
    page.locator(".egov-verify-result").wait_for()
    page.shot("tampered-by-file")
    assert "위변조" in page.locator(".egov-verify-result").inner_text()
