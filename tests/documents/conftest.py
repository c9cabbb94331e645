import pytest

from egov.documents.services import document_issue
from tests import factories

ABSTRACT = {
    "name": "이서연",
    "rrn": "900101-2******",
    "address": "서울특별시 종로구 세종대로 209",
    "address_history": [{"date": "2019-03-02", "address": "부산광역시 해운대구 센텀중앙로 79"}],
}


@pytest.fixture(scope="session")
def pki_home(tmp_path_factory):
    """One data directory (keys and stored documents) for the documents tests: creating keys
    is cheap, but one PKI for the session keeps the tests fast."""
    return tmp_path_factory.mktemp("documents-data")


@pytest.fixture(autouse=True)
def documents_data_dir(settings, pki_home):
    settings.DATA_DIR = pki_home
    settings.EGOV_PUBLIC_URL = "https://gov.example"
    return pki_home


@pytest.fixture
def issue(alice_resident, jongno):
    def issue(
        agency=None,
        subject=alice_resident,
        payload=None,
        language="ko",
        actor=None,
        doc_type="resident.abstract",
    ):
        return document_issue(
            actor=actor,
            doc_type=doc_type,
            subject=subject,
            payload=ABSTRACT if payload is None else payload,
            agency=agency or jongno,
            language=language,
        )

    return issue


@pytest.fixture
def abstract(issue):
    return issue()


@pytest.fixture
def bank(db):
    return factories.agency("9000001", "한빛은행", "Hanbit Bank", kind="third_party")
