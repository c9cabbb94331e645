"""Static files are cacheable (issue 13: a repeat visit under 60 KB): deployed, their names carry a
content hash (WhiteNoise then lets browsers keep them a year); a file asked for again with its
ETag is answered 304 without a body, so even unhashed names are not downloaded twice."""

import re

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

DEPLOYED = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "egov.core.staticfiles.HashedStaticFilesStorage"},
}


def test_deployed_static_files_have_hashed_names_and_compressed_copies(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=DEPLOYED):
        call_command("collectstatic", "--noinput", verbosity=0)
        name = staticfiles_storage.stored_name("portal/menu.js")
        url = staticfiles_storage.url("krds/css/component/output.css")
    assert re.fullmatch(r"portal/menu\.[0-9a-f]{12}\.js", name), name
    assert re.search(r"output\.[0-9a-f]{12}\.css$", url), url
    assert (tmp_path / f"{name}.br").exists() and (tmp_path / f"{name}.gz").exists()


def test_a_static_file_asked_for_again_with_its_etag_is_a_304(client, db):
    first = client.get("/static/portal/menu.js")
    assert first.status_code == 200 and first.headers.get("ETag")
    again = client.get("/static/portal/menu.js", HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert again.status_code == 304 and not b"".join(
        again.streaming_content if again.streaming else [again.content]
    )


def test_before_collectstatic_a_static_url_is_the_plain_name_not_an_error(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path / "empty", STORAGES=DEPLOYED):
        url = staticfiles_storage.url("krds/img/component/favicon/favicon-32x32.png")
    assert url == "/static/krds/img/component/favicon/favicon-32x32.png"
