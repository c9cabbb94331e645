import pytest

from egov.accounts.models import User
from egov.petitions.seed import categories_seed
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 60


@pytest.fixture(autouse=True)
def petitions_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
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


@pytest.fixture
def erin(db):
    """Erin represents a business; she may file petitions too."""
    return User.objects.create_user(username="erin", password="pw", kind="business", email="erin@example.kr")


@pytest.fixture
def frank(alice_resident, jongno):
    """Frank is another citizen: Alice's petitions are none of his business."""
    person = factories.resident(jongno, "박준호", "Park Junho")
    return factories.citizen("frank", person)


@pytest.fixture
def jongno_admin(jongno):
    """Jin heads the Jongno-gu civil affairs team: overdue petitions are escalated to her."""
    user = factories.official("jin", jongno, roles=("viewer", "registrar", "agency_admin"))
    user.email = "jin@jongno.go.kr"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def bob2(jongno):
    """Ben is Bob's colleague in Jongno-gu."""
    user = factories.official("ben", jongno)
    user.email = "ben@jongno.go.kr"
    user.save(update_fields=["email"])
    return user
