"""Settings for the test suite: PostgreSQL when one answers, else SQLite; PostgreSQL in CI."""

import os
import socket

os.environ.setdefault("EGOV_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnop")
os.environ.setdefault("EGOV_DATA_DIR", os.path.join(os.getcwd(), "var", "test"))

import dj_database_url  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from egov.settings import *  # noqa: E402, F403
from egov.settings import DATA_DIR  # noqa: E402

CI = os.environ.get("CI", "").lower() == "true"


def _postgres_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


_url = os.environ.get("EGOV_TEST_DATABASE_URL")
if not _url and _postgres_answers():
    _url = "postgres://postgres@127.0.0.1:5432/test"
if _url:
    DATABASES = {"default": dj_database_url.parse(_url)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "egov.core.postgresql"  # the platform's backend, as deployed
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
if CI and DATABASES["default"]["ENGINE"] != "egov.core.postgresql":
    raise ImproperlyConfigured(
        "CI=true requires PostgreSQL: no server answered at 127.0.0.1:5432 "
        "and EGOV_TEST_DATABASE_URL is not set"
    )

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105 (speed)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EGOV_SMS_BACKEND = "egov.core.sms.LocmemBackend"
STORAGES = {
    "default": STORAGES["default"],  # noqa: F405 (EGOV_FILE_STORE's, as deployed)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DEBUG = False
EGOV_DEMO_TOTP_BYPASS = False
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (whitenoise warns when it is missing)
# Assertions read English messages; tests of the Korean default override this explicitly.
LANGUAGE_CODE = "en"
