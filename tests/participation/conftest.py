import pytest

from egov.petitions.seed import categories_seed
from tests import factories


@pytest.fixture(autouse=True)
def participation_settings(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EGOV_PROPOSAL_THRESHOLD = 3
    settings.EGOV_PROPOSAL_DAYS = 30


@pytest.fixture
def categories(mois, seoul, jongno, gangnam, busan):
    return {c.code: c for c in categories_seed()}


@pytest.fixture
def neighbours(jongno):
    """Three more residents of Jongno-gu who may agree with Alice's proposal."""
    people = [("민준", "Kim Minjun"), ("지우", "Choi Jiwoo"), ("하은", "Jung Haeun")]
    return [
        factories.citizen(f"neighbour{i}", factories.resident(jongno, name_ko, name_en))
        for i, (name_ko, name_en) in enumerate(people)
    ]
