"""File inputs name the kinds they take in words (issue 13): "PDF, PNG, JPG 파일, 10MB까지" in
Korean, from the same extensions and size limit the content checks use, never ".pdf,.png,…"."""

from django import forms
from django.test import override_settings
from django.utils import translation

from egov.core import files
from egov.core.forms import MultipleFileField
from egov.documents.forms import VerifyFileForm
from egov.edocs.forms import ACCEPTED


class AttachForm(forms.Form):
    attachments = MultipleFileField(required=False)


@override_settings(EGOV_PETITION_MAX_ATTACHMENT_BYTES=10 * 1024 * 1024)
def test_the_attachment_input_names_pdf_png_jpg_and_10_mb_in_korean():
    with translation.override("ko"):
        html = str(AttachForm()["attachments"])
    assert '<span class="egov-muted" data-testid="accepted-kinds">PDF, PNG, JPG 파일, 10MB까지</span>' in html
    assert html.count(".pdf") == 1  # only in the browser's accept filter, never shown


@override_settings(EGOV_PETITION_MAX_ATTACHMENT_BYTES=3 * 1024 * 1024)
def test_the_words_follow_the_configured_limit_and_the_checked_types():
    with translation.override("en"):
        html = str(AttachForm()["attachments"])
    assert "PDF, PNG, JPG files, up to 3 MB" in html
    assert f'accept="{",".join(files.EXTENSIONS)}"' in html


def test_the_verify_page_says_pdf_up_to_5_mb():
    with translation.override("ko"):
        html = str(VerifyFileForm()["file"])
    assert "PDF 파일, 5MB까지" in html and 'accept=".pdf"' in html


def test_official_documents_name_the_office_formats_they_check():
    assert files.accepted_kinds(ACCEPTED) == "PDF, PNG, JPG, DOCX, XLSX, HWPX, HWP files"


def test_the_petition_form_says_the_kinds_and_the_count_in_korean_only(db):
    from egov.petitions.forms import PetitionForm

    with translation.override("ko"):
        html = str(PetitionForm()["attachments"].help_text)
    assert html == "최대 5개 파일까지 첨부할 수 있습니다."
