"""The multi-step declaration form shows the shared KRDS step indicator (issue 13)."""

import re

KO = {"HTTP_ACCEPT_LANGUAGE": "ko"}


def test_the_declaration_form_shows_where_the_broker_is_in_krds_steps(customs, client, minho):
    client.force_login(minho)
    page = client.get("/my/customs/new/", **KO).content.decode()
    steps = page.split('data-testid="steps"')[1].split("</ol>")[0]
    assert 'class="krds-step-wrap"' in page
    found = re.findall(r"<li.*?</li>", steps, flags=re.S)
    items = [" ".join(re.sub(r"<[^>]+>", " ", li).split()) for li in found]
    assert len(items) == 4 and items[0] == "현재 단계 1단계 신고 당사자", items
    assert items[1] == "2단계 운송과 송장" and items[3] == "4단계 확인 후 신고", items
