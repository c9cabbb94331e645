"""My page lists page twenty at a time with the shared KRDS pagination and filter by status
(in progress, finished); My page opens on the dashboard."""

import re

import pytest

from egov.petitions import services as petitions
from egov.petitions.seed import categories_seed


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path / "data"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"


def links(html: str) -> int:
    return len(re.findall(r'href="/my/petitions/[0-9A-Z-]+/"', html))


@pytest.fixture
def filed(alice, mois, seoul, jongno, gangnam, busan):
    """Alice filed 25 petitions and withdrew the first three."""
    categories = {c.code: c for c in categories_seed()}
    rows = [
        petitions.petition_file(
            actor=alice,
            kind="complaint",
            category=categories["road-jongno"],
            title=f"민원 {i:02d}",
            body="본문",
        )
        for i in range(25)
    ]
    for petition in rows[:3]:
        petitions.petition_withdraw(actor=alice, petition=petition)
    return rows


def test_my_petitions_page_twenty_at_a_time(client, alice, filed):
    client.force_login(alice)
    first = client.get("/my/petitions/").content.decode()
    assert links(first) == 20 and 'data-testid="pagination"' in first
    assert links(client.get("/my/petitions/?page=2").content.decode()) == 5


def test_my_petitions_filter_by_status_and_keep_it_across_pages(client, alice, filed):
    client.force_login(alice)
    finished = client.get("/my/petitions/?status=closed").content.decode()
    assert links(finished) == 3 and 'data-testid="pagination"' not in finished
    open_ = client.get("/my/petitions/?status=open").content.decode()
    assert "status=open&amp;page=2" in open_ or "page=2&amp;status=open" in open_
    assert client.get("/my/petitions/?status=nonsense&page=-1").status_code == 200


def test_my_page_opens_on_the_dashboard_of_my_cases(client, alice, filed):
    client.force_login(alice)
    html = client.get("/my/").content.decode()
    progress = html.split('data-testid="dashboard-progress"')[1].split("</section>")[0]
    assert filed[-1].number in progress
    assert filed[0].number not in progress  # withdrawn: no longer in progress
