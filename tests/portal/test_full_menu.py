"""The phone's full menu (전체메뉴) is KRDS's mobile main menu, in every page's markup once, with
its button pointing at it; no template comment leaks into the page."""


def test_every_page_carries_the_krds_mobile_menu_and_its_button(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert html.count('id="mobile-nav"') == 1 and 'class="krds-main-menu-mobile"' in html
    assert 'aria-controls="mobile-nav"' in html and "전체메뉴" in html
    assert "{#" not in html and "#}" not in html
