import pytest

from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 60


@pytest.fixture(autouse=True)
def disclosure_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.DATA_DIR


@pytest.fixture
def requester(alice):
    """Alice asks Jongno-gu for the minutes of a road-works committee."""
    alice.email = "alice@example.kr"
    alice.save(update_fields=["email"])
    return alice


@pytest.fixture
def frank(alice_resident, jongno):
    """Frank is another citizen: Alice's requests and released files are none of his business."""
    person = factories.resident(jongno, "박준호", "Park Junho")
    return factories.citizen("frank", person)
