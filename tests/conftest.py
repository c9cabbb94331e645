import pytest
from django.db import connection
from django.utils import translation

from tests import factories


def pytest_report_header(config):
    from django.conf import settings

    return f"egov test database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


@pytest.fixture(autouse=True)
def english_messages():
    """A request in Korean leaves Korean active in the thread; start every test in English."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def mois(db):
    return factories.agency("1741000", "행정안전부", "Ministry of the Interior and Safety", kind="ministry")


@pytest.fixture
def seoul(mois):
    return factories.agency("6110000", "서울특별시", "Seoul Metropolitan Government", mois, "metropolitan")


@pytest.fixture
def jongno(seoul):
    return factories.agency("3000000", "서울특별시 종로구", "Jongno-gu, Seoul", seoul)


@pytest.fixture
def gangnam(seoul):
    return factories.agency("3220000", "서울특별시 강남구", "Gangnam-gu, Seoul", seoul)


@pytest.fixture
def busan(mois):
    return factories.agency("6260000", "부산광역시", "Busan Metropolitan City", mois, "metropolitan")


@pytest.fixture
def alice_resident(jongno):
    return factories.resident(jongno, "이서연", "Lee Seoyeon", sex="F")


@pytest.fixture
def alice(alice_resident):
    """Alice is a citizen of Jongno-gu."""
    return factories.citizen("alice", alice_resident)


@pytest.fixture
def bob(jongno):
    """Bob is a registrar in Jongno-gu."""
    return factories.official("bob", jongno)


@pytest.fixture
def carol(gangnam):
    """Carol is a registrar in Gangnam-gu."""
    return factories.official("carol", gangnam)


@pytest.fixture
def dave(busan):
    """Dave is a registrar in Busan: Seoul's registers are not his."""
    return factories.official("dave", busan)


@pytest.fixture
def seoul_supervisor(seoul):
    """A viewer at Seoul city level sees every Seoul district but corrects nothing."""
    return factories.official("sue", seoul, roles=("viewer",))


def login_official(client, user):
    """Log an official in with both factors through the real pages."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.post("/accounts/login/", {"username": user.username, "password": "pw"})
    device = TOTPDevice.objects.get(user=user)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    response = client.post("/accounts/login/otp/", {"token": f"{token:06d}"})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks / pg_dump); this run uses SQLite")
