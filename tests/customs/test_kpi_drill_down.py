"""The declarations behind the clearance time per lane, listed to the officers of the customs
office that cleared them only (issue 19 item 7)."""

import pytest

from tests.conftest import login_official
from tests.customs.test_open_data import released  # noqa: F401 (the released import fixture)

pytestmark = pytest.mark.django_db


def test_a_released_import_is_behind_the_clearance_time_of_its_lane(released, park, yoon, client):  # noqa: F811
    mine, other = (park, yoon) if park.agency_id == released.agency_id else (yoon, park)
    login_official(client, mine)
    url = f"/office/kpi/customs_clearance_hours/cases/?service={released.lane}"
    text = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert f'href="/office/customs/{released.number}/"' in text and "반출까지" in text
    assert client.get(f"/office/customs/{released.number}/").status_code == 200
    client.logout()
    login_official(client, other)
    assert released.number not in client.get(url).content.decode()
