"""KRDS components built once (issue 13): every file input is the KRDS file upload (one widget
template), the petitions queue's views are KRDS tabs."""

import re

from tests.conftest import login_official


def test_a_file_input_is_the_krds_file_upload_and_stays_labelled(db, client):
    page = client.get("/verify", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'data-testid="file-upload"' in page and 'class="krds-file-upload' in page
    (tag,) = re.findall(r'<input type="file"[^>]*>', page)
    assert 'class="egov-file-input"' in tag and "hidden" not in tag  # reachable by keyboard
    input_id = re.search(r'id="([^"]+)"', tag).group(1)
    assert f'for="{input_id}"' in page
    assert "첨부할 파일을 선택해 주세요." in page


def test_the_petitions_queue_views_are_krds_tabs(client, bob):
    login_official(client, bob)
    page = client.get("/office/petitions/?view=mine", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    tabs = page.split('data-testid="queues"')[1].split("</nav>")[0]
    assert "krds-tab-area" in page.split('data-testid="queues"')[0][-200:]
    active = re.findall(r'<li class="active"><a class="btn-tab" href="\?view=(\w+)" aria-current', tabs)
    assert active == ["mine"]
    assert tabs.count('class="btn-tab"') == 4
