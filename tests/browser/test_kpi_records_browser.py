"""The records behind a figure (issue 19 item 7) in Chromium: an official of the sending
department opens the documents sent electronically, at a phone's width (no sideways scrolling)
and at a desktop's."""

import pytest

from egov.edocs.services.approval import document_sign, document_submit
from egov.edocs.services.delivery import document_dispatch
from tests.browser.test_edocs_browser import _log_in
from tests.edocs.conftest import (  # noqa: F401 - the edocs fixtures, used by name
    draft,
    edocs_data_dir,
    edocs_home,
    finance,
    gangnam_office,
    general_affairs,
    junho,
    minji,
    park,
    soyeon,
)
from tests.edocs.stepup import fresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_documents_behind_the_figure_read_at_390_and_1366_px(page, live_server, draft, minji, junho, soyeon, park, gangnam_office):  # noqa: F811, E501  # fmt: skip
    title = "2027년 민원실 환경 개선 계획 및 무인민원발급기 추가 설치에 관한 협조 요청(종로구 총무과)"
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft(title=title))
    for official in (junho, soyeon, park):
        document = document_sign(actor=official, step_up=fresh(official), document=document)
    [message] = document_dispatch(actor=minji, document=document)
    assert message.state == "delivered", message.bounce_reason
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, base, minji)
    page.goto(f"{base}/office/kpi/edocs_sent_electronically/cases/")
    table = page.locator("[data-testid=records]")
    assert document.number in table.inner_text() and title in table.inner_text()
    page.shot("records-390")
    assert table.locator("thead th").first.inner_text() == "번호"  # not a tender's 공고번호
    link = table.get_by_role("link", name=document.number)
    assert link.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"  # reads as a link
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})
    page.shot("records-1366")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    number, date = page.evaluate(
        """Array.from(document.querySelectorAll('[data-testid=records] tbody tr:first-child td'))
        .slice(0, 2).map(td => {
          const text = document.createRange();
          text.selectNodeContents(td);
          return [td.getBoundingClientRect().left, text.getBoundingClientRect().right];
        })"""
    )
    assert number[1] <= date[0], "the number runs into the date column"
    page.get_by_role("link", name=document.number).click()
    page.wait_for_url(f"**/office/edocs/documents/{document.number}/")
