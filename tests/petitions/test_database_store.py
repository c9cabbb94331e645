"""With EGOV_FILE_STORE=database a petition's attachment is a row, served by the same page to
the same people, and nothing lands under DATA_DIR."""

from egov.core.models import StoredFile
from tests.petitions.conftest import PNG
from tests.petitions.test_services import file_one, upload


def test_an_attachment_kept_in_the_database_is_downloaded_by_its_petitioner_only(
    petitioner, frank, categories, client, settings, petitions_data_dir
):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "egov.core.storage.DatabaseStorage"}}
    petition = file_one(petitioner, categories, attachments=[upload("사진.png", PNG)])
    attachment = petition.files.get()
    assert StoredFile.objects.get().name == f"petitions/{attachment.storage_name}"
    assert not (petitions_data_dir / "petitions").exists()
    address = f"/my/petitions/{petition.number}/attachments/{attachment.pk}"
    client.force_login(petitioner)
    download = client.get(address)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    client.force_login(frank)
    assert client.get(address).status_code == 404
