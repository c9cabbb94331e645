import pytest

from egov.kpi.rollups import rollups_advance
from egov.petitions.seed import categories_seed


@pytest.fixture(autouse=True)
def kpi_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EGOV_KPI_LAG_SECONDS = 0
    return settings.DATA_DIR


@pytest.fixture
def categories(mois, seoul, jongno, gangnam, busan):
    return {c.code: c for c in categories_seed()}


@pytest.fixture
def petitioner(alice):
    """Alice files petitions about her neighbourhood in Jongno-gu."""
    alice.email = "alice@example.kr"
    alice.save(update_fields=["email"])
    return alice


def advance():
    """Bring the rollups up to date as the worker's tick does (no lag in tests)."""
    return rollups_advance(lag_seconds=0, force_gauges=True)


@pytest.fixture
def requester(alice):
    """Alice asks Jongno-gu for the minutes of a road-works committee."""
    alice.email = "alice@example.kr"
    alice.save(update_fields=["email"])
    return alice
