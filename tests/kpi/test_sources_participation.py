"""E-participation's indicator from real proposals and agreements posted through participation's
services, then the worker's tick: per the agency the proposal is addressed to."""

import pytest

from egov.core.errors import Conflict
from egov.participation import services
from tests.kpi.helpers import tick_and_read
from tests.participation.conftest import *  # noqa: F403  (the residents, as fixtures)
from tests.participation.test_proposals import post_one


def test_proposals_and_agreements_count_for_the_agency_addressed(
    alice, categories, neighbours, jongno, gangnam
):
    assert tick_and_read("e_participation", jongno) is None
    shade = post_one(alice, categories)
    services.proposal_agree(actor=neighbours[0], proposal=shade)
    assert tick_and_read("e_participation", jongno, shade.posted_at) == 2.0  # one proposal, one agreement
    services.proposal_agree(actor=neighbours[1], proposal=shade)
    with pytest.raises(Conflict):
        services.proposal_agree(actor=neighbours[1], proposal=shade)  # refused: not counted
    parking = post_one(alice, categories, code="parking-gangnam", title="강남 공영주차장 확충")

    assert tick_and_read("e_participation", jongno, shade.posted_at) == 3.0
    assert tick_and_read("e_participation", gangnam, parking.posted_at) == 1.0
