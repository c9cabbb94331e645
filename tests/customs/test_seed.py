"""`egov seed` shows customs at work: declarations in every lane and state, made by the services."""

import pytest

from egov.customs.models import Declaration, InspectionDraw, TariffHeading
from egov.customs.seed import customs_seed
from egov.registry.seed import nation_seed


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.EGOV_PAYMENT_AGENCY = "1741000"
    nation_seed(residents=300, seed=7)
    return customs_seed(seed=7)


def test_the_seed_makes_declarations_in_every_lane_and_state(seeded):
    assert seeded["tariff lines"] >= 300 and TariffHeading.objects.filter(demonstration=True).count() >= 300
    states = set(Declaration.objects.values_list("state", flat=True))
    assert states >= {
        "released",
        "awaiting_payment",
        "under_review",
        "inspection",
        "held",
        "rejected",
        "withdrawn",
    }
    lanes = set(Declaration.objects.values_list("lane", flat=True))
    assert lanes == {"green", "yellow", "red"}
    assert Declaration.objects.filter(deferred_payment=True, state="released").exists()
    assert InspectionDraw.objects.exclude(seed_revealed="").exists()


def test_the_seed_runs_once(seeded):
    assert customs_seed(seed=7) == {}
