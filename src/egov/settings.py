"""Django settings for egov. Every setting an operator may change is an EGOV_* variable."""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from egov.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

DEBUG = env_bool("EGOV_DEBUG", False)
DATA_DIR = Path(env_str("EGOV_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()


def _secret_key() -> str:
    key = env_str("EGOV_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("EGOV_SECRET_KEY must be at least 32 characters")
        return key
    if not DEBUG:
        raise ImproperlyConfigured("EGOV_SECRET_KEY is required when EGOV_DEBUG is off")
    # Local demo only: keep a generated key under the data directory so encrypted
    # ID numbers stay readable across restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "dev_secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Dedicated key for ID-number encryption and blind indexes (base64, 32 bytes); derived
# from SECRET_KEY when unset. Changing either makes stored ID numbers unreadable.
EGOV_FIELD_KEY = env_str("EGOV_FIELD_KEY")

ALLOWED_HOSTS = env_list("EGOV_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("EGOV_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
    "egov.core",
    "egov.registry",
    "egov.accounts",
    "egov.exchange",
    "egov.documents",
    "egov.cases",
    "egov.payments",
    "egov.civil",
    "egov.petitions",
    "egov.disclosure",
    "egov.participation",
    "egov.procurement",
    "egov.edocs",
    "egov.tax",
    "egov.portal",
    "django.forms",  # the default widget templates, under portal's KRDS ones
]

# Widgets render with the templates engine, so portal's KRDS widget templates
# (portal/templates/django/forms/widgets/) replace Django's for every form.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "egov.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "egov.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "egov.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "egov.core.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "egov.urls"
WSGI_APPLICATION = "egov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "egov.portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("EGOV_DATABASE_URL", f"sqlite:///{DATA_DIR / 'egov.sqlite3'}"),
        conn_max_age=env_int("EGOV_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    # A readiness probe or request fails fast instead of hanging on an unreachable server.
    _options.setdefault("connect_timeout", 5)
    # psycopg 3 binds parameters on the server, and prepares a statement once a connection
    # has run it five times: the hot paths (token check, mediated query, access-log append)
    # are then parsed and planned once per connection rather than on every request
    # (docs/benchmarks.md, issue 3). Prepared statements live in the server session, so behind
    # a transaction-mode pooler without prepared-statement support (PgBouncer before 1.21, or
    # with max_prepared_statements = 0) set EGOV_DB_PREPARED_STATEMENTS=0.
    _options.setdefault("server_side_binding", True)
    _options.setdefault("prepare_threshold", 5 if env_bool("EGOV_DB_PREPARED_STATEMENTS", True) else None)
    # Django's backend with a health check that asks the socket before sending `SELECT 1`
    # (egov/core/postgresql/base.py): one round trip less on every request.
    DATABASES["default"]["ENGINE"] = "egov.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while a writer works; IMMEDIATE avoids deadlocking upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # SQLite creates the file but not its directory: a fresh EGOV_DATA_DIR would otherwise
    # fail every command with "unable to open database file".
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:mypage"

# Agency systems' API tokens (django-oauth-toolkit): client-credentials grant only, the
# token endpoint at /api/v1/oauth/token, one scope for the mediated query API.
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("EGOV_API_TOKEN_SECONDS", 3600),
    "SCOPES": {
        "exchange": "Mediated queries of shared administrative information",
        "payments": "Bank statements from the collecting bank",
    },
    "DEFAULT_SCOPES": ["exchange"],
    # Store only the SHA-256 of tokens, and refuse the grants and transports we never use
    # (RFC 9700; `egov check --deploy` lists anything left non-compliant).
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
}
# Named explicitly because accounts.AgencySystem points at it (a swappable model).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# Logging in (egov.accounts.throttle): wrong passwords for one username from one client
# address, and from one address for any usernames, before that address must wait; the first
# wait, doubled after each further failure up to EGOV_LOGIN_LOCK_MINUTES. Wrong codes before
# the second factor locks for EGOV_LOGIN_LOCK_MINUTES (doubled after each further one).
EGOV_LOGIN_MAX_FAILURES = env_int("EGOV_LOGIN_MAX_FAILURES", 5)
EGOV_LOGIN_CLIENT_MAX_FAILURES = env_int("EGOV_LOGIN_CLIENT_MAX_FAILURES", 20)
EGOV_LOGIN_DELAY_SECONDS = env_int("EGOV_LOGIN_DELAY_SECONDS", 30)
EGOV_LOGIN_LOCK_MINUTES = env_int("EGOV_LOGIN_LOCK_MINUTES", 15)
# Reverse proxies (addresses or networks) whose X-Forwarded-For names the client; without
# them the client is REMOTE_ADDR, since anyone can send that header.
EGOV_TRUSTED_PROXIES = env_list("EGOV_TRUSTED_PROXIES", [])
# Demo only: accept the TOTP code 000000 for seeded demo officials. Ignored unless DEBUG is on.
EGOV_DEMO_TOTP_BYPASS = env_bool("EGOV_DEMO_TOTP_BYPASS", False)
OTP_TOTP_ISSUER = env_str("EGOV_TOTP_ISSUER", "egov")
# Access log: a checkpoint signed with the platform key every N entries.
# The access log's Merkle tree (docs/transparency-log.md): its name in checkpoints, how often
# `egov worker` integrates pending entries and asks the witnesses to cosign, the most entries
# one integration transaction takes, and the witnesses ("URL VKEY" pairs separated by ";").
EGOV_ACCESS_LOG_ORIGIN = env_str("EGOV_ACCESS_LOG_ORIGIN", "egov.localhost/access-log")
EGOV_ACCESS_LOG_INTEGRATE_SECONDS = env_int("EGOV_ACCESS_LOG_INTEGRATE_SECONDS", 1)
EGOV_ACCESS_LOG_INTEGRATE_BATCH = env_int("EGOV_ACCESS_LOG_INTEGRATE_BATCH", 20000)
EGOV_WITNESSES = env_str("EGOV_WITNESSES", "")

# Signed documents. The public address printed in every QR code and verification link.
EGOV_PUBLIC_URL = env_str("EGOV_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Names written into the platform's certificates (root CA, timestamping unit, agencies).
EGOV_PKI_COUNTRY = env_str("EGOV_PKI_COUNTRY", "KR")
EGOV_PKI_ORGANIZATION = env_str("EGOV_PKI_ORGANIZATION", "egov")
EGOV_PKI_ROOT_NAME = env_str("EGOV_PKI_ROOT_NAME", "egov Root CA")
# The Korean font embedded in PDFs: Pretendard (TrueType), installed from npm by make.
EGOV_FONT_DIR = Path(
    env_str("EGOV_FONT_DIR", str(PROJECT_DIR / "node_modules/pretendard/dist/public/static/alternative"))
)
# Public verification: requests per client (HITS/SECONDS), and look-ups that found nothing.
EGOV_VERIFY_RATE = env_str("EGOV_VERIFY_RATE", "60/60")
EGOV_VERIFY_MISS_RATE = env_str("EGOV_VERIFY_MISS_RATE", "20/600")

# Background jobs (django-tasks, database backend): `egov worker` runs them and enqueues the
# periodic sweeps (escalation, reminders, deemed refusals) every EGOV_SWEEP_SECONDS.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EGOV_SWEEP_SECONDS = env_int("EGOV_SWEEP_SECONDS", 300)
# Officials are reminded of open petitions due within this many business days.
EGOV_REMINDER_BUSINESS_DAYS = env_int("EGOV_REMINDER_BUSINESS_DAYS", 1)
# Participation: days a proposal collects agreements, and how many make it a petition.
EGOV_PROPOSAL_DAYS = env_int("EGOV_PROPOSAL_DAYS", 30)
EGOV_PROPOSAL_THRESHOLD = env_int("EGOV_PROPOSAL_THRESHOLD", 50)
# Petitions: days after the answer an unsatisfied petitioner may reopen; largest attachment.
EGOV_PETITION_REOPEN_DAYS = env_int("EGOV_PETITION_REOPEN_DAYS", 14)
EGOV_PETITION_MAX_ATTACHMENT_BYTES = env_int("EGOV_PETITION_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
# Procurement: the OCDS ocid prefix registered for this publisher.
EGOV_PROCUREMENT_OCID_PREFIX = env_str("EGOV_PROCUREMENT_OCID_PREFIX", "ocds-egov01")
# How long a bidding software token (procurement.BidToken) lives, and how many a user may hold.
EGOV_BID_TOKEN_DAYS = env_int("EGOV_BID_TOKEN_DAYS", 90)
EGOV_BID_TOKENS_PER_USER = env_int("EGOV_BID_TOKENS_PER_USER", 5)

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    ("krds", PROJECT_DIR / "node_modules" / "krds-uiux" / "resources"),
    # Swagger UI for /api/v1/docs, from npm like KRDS: our CSP allows scripts from our origin only.
    ("swagger-ui", PROJECT_DIR / "node_modules" / "swagger-ui-dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Sessions and cookies
HTTPS = env_bool("EGOV_HTTPS", False)
SESSION_COOKIE_AGE = env_int("EGOV_SESSION_SECONDS", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Written when changed, and by core.middleware.SessionRefreshMiddleware at most every
# EGOV_SESSION_REFRESH_SECONDS while in use, instead of on every request.
SESSION_SAVE_EVERY_REQUEST = False
EGOV_SESSION_REFRESH_SECONDS = env_int("EGOV_SESSION_REFRESH_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_HSTS_SECONDS = env_int("EGOV_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("EGOV_SSL_REDIRECT", True)

EMAIL_BACKEND = env_str("EGOV_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("EGOV_FROM_EMAIL", "no-reply@egov.localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "egov.core.logging.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": env_str("EGOV_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own request logger repeats what RequestLogMiddleware writes.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "faker": {"level": "WARNING"},
    },
}

# Payments (docs/payments.md): the collecting bank and account, virtual accounts, due dates,
# the bank systems allowed to post statements, the card/counter gateway backend, and the agency
# whose officials reconcile credits into accounts no order has.
EGOV_PAYMENT_BANK_CODE = env_str("EGOV_PAYMENT_BANK_CODE", "088")
EGOV_PAYMENT_ACCOUNT = env_str("EGOV_PAYMENT_ACCOUNT", "100012345678")
EGOV_PAYMENT_ACCOUNT_NAME = env_str("EGOV_PAYMENT_ACCOUNT_NAME", "대한민국정부 세입세출 수납")
EGOV_PAYMENT_VA_PREFIX = env_str("EGOV_PAYMENT_VA_PREFIX", "5620")
EGOV_PAYMENT_DUE_DAYS = env_int("EGOV_PAYMENT_DUE_DAYS", 5)
EGOV_PAYMENT_BANK_CLIENTS = env_list("EGOV_PAYMENT_BANK_CLIENTS", [])
EGOV_PAYMENT_GATEWAY = env_str("EGOV_PAYMENT_GATEWAY", "egov.payments.gateways.CounterGateway")
EGOV_PAYMENT_AGENCY = env_str("EGOV_PAYMENT_AGENCY", "1741000")
