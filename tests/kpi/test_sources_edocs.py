"""On-nara's indicator from real documents: drafted, approved (each signature with a fresh
step-up) and dispatched through edocs' services, then the worker's tick."""

import pytest

from egov.edocs.services.approval import document_sign, document_submit
from egov.edocs.services.delivery import document_dispatch
from tests.edocs.conftest import *  # noqa: F403  (the edocs cast, as fixtures)
from tests.edocs.stepup import fresh
from tests.kpi.helpers import tick_and_read


@pytest.fixture
def approved(draft, minji, junho, soyeon, park):
    def approved(**overrides):
        document = document_submit(actor=minji, step_up=fresh(minji), document=draft(**overrides))
        for official in (junho, soyeon, park):
            document = document_sign(actor=official, step_up=fresh(official), document=document)
        return document

    return approved


def test_a_dispatched_document_counts_once_for_the_sending_agency_and_a_bounce_does_not(
    approved, minji, jongno, gangnam, busan, gangnam_office, finance
):
    assert tick_and_read("edocs_sent_electronically", jongno) is None
    [delivered] = document_dispatch(actor=minji, document=approved())
    assert delivered.state == "delivered"
    [bounced] = document_dispatch(actor=minji, document=approved(recipients=[busan]))  # no registry office
    assert bounced.state == "bounced"

    assert tick_and_read("edocs_sent_electronically", jongno, delivered.sent_at) == 1.0
    assert (
        tick_and_read("edocs_sent_electronically", gangnam, delivered.sent_at) is None
    )  # the receiver's: no
    assert (
        tick_and_read("edocs_sent_electronically", jongno, delivered.sent_at) == 1.0
    )  # a second tick adds nothing
