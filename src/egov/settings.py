"""Django settings for egov. Every setting an operator may change is an EGOV_* variable."""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from egov.core.env import database_url_multi_host, env_bool, env_int, env_list, env_str

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
    "egov.customs",
    "egov.kpi",
    "egov.opendata",
    "egov.portal",
    "django.forms",  # the default widget templates, under portal's KRDS ones
]

# Widgets render with the templates engine, so portal's KRDS widget templates
# (portal/templates/django/forms/widgets/) replace Django's for every form.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "egov.core.metrics.RequestMetricsMiddleware",
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
    "egov.core.middleware.RejectNulMiddleware",
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
    # A multi-host URL (db1:5432,db2:5432 with target_session_attrs=read-write) follows a
    # failover by itself (docs/operations.md).
    "default": dj_database_url.parse(
        database_url_multi_host(env_str("EGOV_DATABASE_URL", f"sqlite:///{DATA_DIR / 'egov.sqlite3'}")),
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


def _oidc_private_key_pem() -> str:
    from egov.core.keys import oidc_private_key_pem

    return oidc_private_key_pem()


def _pkce_required(client_id: str) -> bool:
    from egov.accounts.oidc import pkce_required

    return pkce_required(client_id)


# django-oauth-toolkit serves two kinds of clients. Agency systems' API tokens: the
# client-credentials grant at /api/v1/oauth/token, scopes for the APIs. Government sites that
# sign people in (OpenID Connect, docs/login.md): authorization code with PKCE at /oidc/,
# discovery at /.well-known/openid-configuration, ID tokens signed RS256 with the key from the
# key store (EGOV_DATA_DIR/keys/oidc-rsa.pem, `egov keys init`), pairwise subjects.
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("EGOV_API_TOKEN_SECONDS", 3600),
    "SCOPES": {
        "exchange": "Mediated queries of shared administrative information",
        "payments": "Bank statements from the collecting bank",
        "openid": _("Signing you in"),
        "profile": _("Your name and date of birth"),
        "email": _("Your e-mail address"),
    },
    "DEFAULT_SCOPES": ["exchange"],
    "OAUTH2_VALIDATOR_CLASS": "egov.accounts.oidc.OIDCValidator",
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": lazy(_oidc_private_key_pem, str)(),
    "OIDC_ISS_ENDPOINT": env_str("EGOV_OIDC_ISSUER", "").rstrip("/"),
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "ID_TOKEN_EXPIRE_SECONDS": 300,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "PKCE_REQUIRED": _pkce_required,
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
# OpenID Connect: the secret that keys pairwise subject identifiers (defaults to one derived
# from EGOV_SECRET_KEY; changing it changes every site's `sub` for everyone).
EGOV_OIDC_PAIRWISE_SECRET = env_str("EGOV_OIDC_PAIRWISE_SECRET", "")
# Passkeys (WebAuthn): the relying party ID (defaults to the host a page is served from) and
# the name authenticators show.
EGOV_WEBAUTHN_RP_ID = env_str("EGOV_WEBAUTHN_RP_ID", "")
EGOV_WEBAUTHN_RP_NAME = env_str("EGOV_WEBAUTHN_RP_NAME", "전자정부 egov")
# Enrolment codes (sign-up and recovery): how long a code handed over at a counter and one sent
# by post stay valid; tries per client address and per resident (HITS/SECONDS); and the mail
# address of the print-and-post office that turns letters into post.
EGOV_ENROLMENT_COUNTER_HOURS = env_int("EGOV_ENROLMENT_COUNTER_HOURS", 24)
EGOV_ENROLMENT_POST_DAYS = env_int("EGOV_ENROLMENT_POST_DAYS", 14)
EGOV_ENROLMENT_CLIENT_RATE = env_str("EGOV_ENROLMENT_CLIENT_RATE", "20/3600")
EGOV_ENROLMENT_RESIDENT_RATE = env_str("EGOV_ENROLMENT_RESIDENT_RATE", "5/3600")
EGOV_POST_OUTBOX = env_str("EGOV_POST_OUTBOX", "post-outbox@egov.localhost")
# Demo only: accept the TOTP code 000000 for seeded demo officials. Ignored unless DEBUG is on.
EGOV_DEMO_TOTP_BYPASS = env_bool("EGOV_DEMO_TOTP_BYPASS", False)
OTP_TOTP_ISSUER = env_str("EGOV_TOTP_ISSUER", "egov")
# Access log: a checkpoint signed with the platform key every N entries.
# The access log's Merkle tree (docs/transparency-log.md): its name in checkpoints, how often
# `egov worker` integrates pending entries and asks the witnesses to cosign, the most entries
# one integration transaction takes, and the witnesses ("URL VKEY" pairs separated by ";").
EGOV_ACCESS_LOG_ORIGIN = env_str("EGOV_ACCESS_LOG_ORIGIN", "egov.localhost/access-log")
EGOV_ACCESS_LOG_INTEGRATE_SECONDS = env_int("EGOV_ACCESS_LOG_INTEGRATE_SECONDS", 1)
# The KPI rollups read rows older than this only: an id handed out by a transaction that has not
# committed yet must not be passed by the watermark (egov.kpi.rollups).
EGOV_KPI_LAG_SECONDS = env_int("EGOV_KPI_LAG_SECONDS", 5)
EGOV_ACCESS_LOG_INTEGRATE_BATCH = env_int("EGOV_ACCESS_LOG_INTEGRATE_BATCH", 20000)
EGOV_WITNESSES = env_str("EGOV_WITNESSES", "")
# How long a process reuses an exchange API token it has read (egov.exchange.api): a token
# revoked or a system deactivated in another process is refused within this time. 0: never.
EGOV_EXCHANGE_TOKEN_CACHE_SECONDS = env_int("EGOV_EXCHANGE_TOKEN_CACHE_SECONDS", 5)

# Point-in-time recovery (egov.core.pgbackrest, docs/operations.md): the pgBackRest command
# (split like a shell would), its stanza and configuration file.
EGOV_PGBACKREST = env_str("EGOV_PGBACKREST", "pgbackrest")
EGOV_PGBACKREST_STANZA = env_str("EGOV_PGBACKREST_STANZA", "egov")
EGOV_PGBACKREST_CONFIG = env_str("EGOV_PGBACKREST_CONFIG", "")

# /metrics (docs/operations.md): answered only for `Authorization: Bearer EGOV_METRICS_TOKEN`
# or a client address in EGOV_METRICS_ALLOWED_NETWORKS (addresses or CIDR networks, comma
# separated); with neither, for nobody. Several gunicorn workers add up their request figures
# when PROMETHEUS_MULTIPROC_DIR names a directory they share (deploy/gunicorn.conf.py).
EGOV_METRICS_TOKEN = env_str("EGOV_METRICS_TOKEN", "")
EGOV_METRICS_ALLOWED_NETWORKS = env_list("EGOV_METRICS_ALLOWED_NETWORKS", [])

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
# The open-data Action API without a key: calls per client (HITS/SECONDS); a key's own daily
# quota replaces it (opendata.ApiKey).
EGOV_OPENDATA_ANONYMOUS_RATE = env_str("EGOV_OPENDATA_ANONYMOUS_RATE", "600/60")

# Background jobs (django-tasks, database backend): `egov worker` runs them and enqueues the
# periodic sweeps (escalation, reminders, deemed refusals) every EGOV_SWEEP_SECONDS.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EGOV_SWEEP_SECONDS = env_int("EGOV_SWEEP_SECONDS", 300)
# Every EGOV_WORKER_WATCH_SECONDS a worker renews its sign of life (a PostgreSQL advisory lock)
# and looks for running tasks whose worker is gone: seen so on two rounds running, such a task
# is put back in the queue once, and failed with the reason the second time (egov.core.tasks).
EGOV_WORKER_WATCH_SECONDS = env_int("EGOV_WORKER_WATCH_SECONDS", 15)
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
    # Chart.js for the KPI dashboards' charts (each drawn from the data table beside it).
    ("chartjs", PROJECT_DIR / "node_modules" / "chart.js" / "dist"),
]
# Files people upload and documents' PDFs (egov.core.storage, docs/operations.md):
# "filesystem" under EGOV_DATA_DIR (one node), "database" in PostgreSQL (several nodes sharing
# only the database), or "s3" on S3-compatible object storage (django-storages, `egov[s3]`;
# credentials from the usual AWS_* variables or the instance's role).
EGOV_FILE_STORE = env_str("EGOV_FILE_STORE", "filesystem")
_FILE_STORES = {
    "filesystem": {"BACKEND": "egov.core.storage.DataDirStorage"},
    "database": {"BACKEND": "egov.core.storage.DatabaseStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("EGOV_S3_BUCKET"),
            "endpoint_url": env_str("EGOV_S3_ENDPOINT_URL"),
            "region_name": env_str("EGOV_S3_REGION"),
            "location": env_str("EGOV_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "server_side_encryption": env_str("EGOV_S3_SSE"),
        },
    },
}
if EGOV_FILE_STORE not in _FILE_STORES:
    raise ImproperlyConfigured(
        f"EGOV_FILE_STORE must be one of {', '.join(_FILE_STORES)}, not {EGOV_FILE_STORE!r}"
    )
STORAGES = {
    "default": _FILE_STORES[EGOV_FILE_STORE],
    "staticfiles": {"BACKEND": "egov.core.staticfiles.HashedStaticFilesStorage"},
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
# Text messages (SMS/알림톡): a dotted path to a backend in egov.core.sms or a gateway's own;
# the console backend prints them, as Django's console mail backend does for e-mail.
EGOV_SMS_BACKEND = env_str("EGOV_SMS_BACKEND", "egov.core.sms.ConsoleBackend")
EGOV_SMS_SENDER = env_str("EGOV_SMS_SENDER", "1588-0000")

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

# The e-tax invoice index carries INCLUDE columns for PostgreSQL's index-only scans; SQLite (the
# embedded demo) ignores them, which is harmless there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
