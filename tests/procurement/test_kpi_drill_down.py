"""The awards behind the procurement figures (bids per tender, awarded electronically, below
the estimate), listed to the buying agency's officials only (issue 19 item 7)."""

from tests import factories
from tests.conftest import login_official
from tests.procurement.test_contracts import awarded  # noqa: F401 (the awarded tender fixture)


def test_an_award_is_behind_the_procurement_figures_for_the_buying_agency_only(awarded, bob, gangnam, client):  # noqa: F811
    login_official(client, bob)
    for code in ("bids_per_tender", "procurement_electronic_share", "award_below_estimate"):
        text = client.get(f"/office/kpi/{code}/cases/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
        assert f'href="/office/procurement/tenders/{awarded.number}/"' in text, code
        assert "입찰 2건" in text
    assert client.get(f"/office/procurement/tenders/{awarded.number}/").status_code == 200
    client.logout()
    login_official(client, factories.official("gangnam_buyer", gangnam))
    text = client.get("/office/kpi/bids_per_tender/cases/").content.decode()
    assert awarded.number not in text
