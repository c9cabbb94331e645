"""`egov seed` brings On-nara at work: departments, scheme, delegation table, documents in every
state, some sent between agencies, one record under appraisal."""

import pytest

from egov.edocs.models import AppraisalCase, Department, Message, OfficialDocument, ReceivedDocument, UnitTask
from egov.edocs.seed import edocs_seed, seed_present
from egov.registry.seed import nation_seed


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    nation_seed(residents=300, seed=7)
    return edocs_seed()


def test_the_seed_shows_the_office_at_work(seeded):
    assert seed_present()
    assert seeded["agencies"] == 4 and Department.objects.filter(is_registry_office=True).count() == 4
    assert UnitTask.objects.filter(retention="perm", archival=True).count() == 4
    states = set(OfficialDocument.objects.values_list("state", flat=True))
    assert states == {"draft", "in_approval", "returned", "withdrawn", "approved", "dispatched"}
    assert set(ReceivedDocument.objects.values_list("state", flat=True)) >= {"registered", "assigned"}
    assert Message.objects.filter(state="bounced").exists()  # Busan has no registry office
    assert AppraisalCase.objects.filter(state="proposed").exists()
    assert seeded["documents"] >= 4 * 5 + 2  # the demo citizen got one on their My page


def test_the_demo_official_has_a_review_waiting(seeded):
    from egov.accounts.models import User
    from egov.edocs import selectors

    demo = User.objects.get(username="official.jongno")
    assert selectors.document_list_for(actor=demo, box="inbox").count() == 1
