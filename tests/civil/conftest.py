import pytest

from egov.civil.seed import catalogue_seed
from egov.exchange.services import shared_item_sync
from tests import factories


@pytest.fixture(autouse=True)
def civil_data_dir(settings, tmp_path_factory):
    settings.DATA_DIR = tmp_path_factory.getbasetemp() / "civil-data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def nation(mois, jongno, gangnam, busan):
    """The agencies the catalogue needs, the shared items, an approving MOIS official."""
    molit = factories.agency(
        "1613000", "국토교통부", "Ministry of Land, Infrastructure and Transport", kind="ministry"
    )
    nts = factories.agency("1210000", "국세청", "National Tax Service", kind="ministry")
    factories.official("mois.admin", mois, roles=("viewer", "agency_admin")).__class__.objects.filter(
        username="mois.admin"
    ).update(is_demo=True)
    shared_item_sync()
    return {"mois": mois, "molit": molit, "nts": nts, "jongno": jongno, "gangnam": gangnam, "busan": busan}


@pytest.fixture
def catalogue(nation):
    return {s.code: s for s in catalogue_seed()}


@pytest.fixture
def citizen(alice):
    alice.email = "alice@example.kr"
    alice.save(update_fields=["email"])
    return alice
