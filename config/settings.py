"""Settings for Survey Atlas, read from the environment.

DATABASE_URL unset selects the embedded SQLite file; postgres://... selects PostgreSQL.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.scaleout import cache_settings, postgres_options, replica_databases

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_flag("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# Served over HTTPS (directly or behind a TLS-terminating proxy): production mode.
HTTPS = env_flag("DJANGO_HTTPS")
if env_flag("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = (
    int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content Security Policy (django-csp): own scripts and styles only, nothing
# inline; the API docs load Swagger UI and Redoc from our static files.
# data: images are the favicon placeholder and Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# Redoc (/api/redoc/ only) creates empty <style> elements and fills them
# through the CSSOM, plus one fixed block of its own: allowed there by their
# hashes (a new Redoc version may need a new one: tests/browser/test_csp.py
# says which). Its search runs in a worker it builds from a blob: URL.
REDOC_POLICY = {
    "style-src": [
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # empty
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    ],
    "worker-src": [SELF, "blob:"],
}

# Client addresses for throttling: REMOTE_ADDR, unless N proxies we run sit in
# front of the app, each appending to X-Forwarded-For; then the Nth entry from
# the right is the client (entries further left are whatever the client sent).
ATLAS_TRUSTED_PROXIES = int(os.environ.get("ATLAS_TRUSTED_PROXIES", "0"))

# Longest address (path plus query string) the app reads; longer ones get a 400
# (gunicorn.conf.py lifts gunicorn's own 4 KiB line limit so this one answers).
ATLAS_MAX_URL_LENGTH = int(os.environ.get("ATLAS_MAX_URL_LENGTH", "16384"))

# Request bodies: form/JSON fields read into memory, and every body by its
# Content-Length (checked before anything reads it; config/limits.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get("ATLAS_MAX_BODY_BYTES", str(2_621_440))
)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "history",
    "taxonomy",
    "papers",
    "maps",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.limits.RequestSizeLimitMiddleware",
    "config.limits.AddressCheckMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

SQLITE_PATH = os.environ.get("ATLAS_SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A bare postgres://host:port/ URL names no database; use the project's own.
    DATABASES["default"]["NAME"] = DATABASES["default"]["NAME"] or "survey_atlas"
    postgres_options(DATABASES["default"])
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if not IS_POSTGRES:
    # The covering indexes' INCLUDE columns serve PostgreSQL; on SQLite the
    # index keeps its key columns, which is all it needs there.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Scale-out (config/scaleout.py, config/db_router.py): reads on streaming
# replicas, writes and a client's reads after its writes on the primary.
DATABASES.update(replica_databases(env_list("DATABASE_REPLICA_URLS")))
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(1, "config.db_router.ReplicaReadsMiddleware")
# One cache for every app process when REDIS_URL is set; else per process.
CACHES = cache_settings(os.environ.get("REDIS_URL"))
# Public paper lists keep their rendered answer for one data generation
# (api/answers.py); 0 computes every answer.
ATLAS_ANSWER_CACHE = env_flag("ATLAS_ANSWER_CACHE", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LOGIN_URL = "/accounts/login/"
# Failed log-ins allowed per username and client address within the last
# ATLAS_LOGIN_WINDOW seconds; more are refused until the oldest of them is older
# than that (config/login_throttle.py).
ATLAS_LOGIN_FAILURES = int(os.environ.get("ATLAS_LOGIN_FAILURES", "5"))
ATLAS_LOGIN_WINDOW = int(os.environ.get("ATLAS_LOGIN_WINDOW", "900"))
LOGIN_REDIRECT_URL = "/"
# Where logging out leads when the form names no safe page of this site; without
# it Django answers with the log-out address itself, which takes no GET.
LOGOUT_REDIRECT_URL = "/"

# Mail serves password reset only. Without a mail server the reset pages would
# accept an address, fail to send and pretend otherwise, so they answer 404 and
# an admin sets passwords instead (README, Security).
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# On when EMAIL_HOST is set; ATLAS_PASSWORD_RESET=1 also trusts a server on
# localhost, =0 turns reset off whatever the mail settings.
ATLAS_PASSWORD_RESET = env_flag(
    "ATLAS_PASSWORD_RESET", default=bool(os.environ.get("EMAIL_HOST"))
)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.AtlasAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Token first, so that an anonymous write gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Writes take JSON, the one body that can carry every field as documented
    # (nested authors, null); the BibTeX import declares its own parsers.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.renderers.AtlasContentNegotiation",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousRateThrottle"],
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
}
# Requests per client address and period for anonymous API clients ("N/second",
# "N/minute", "N/hour", "N/day"); the default only stops runaway clients.
ATLAS_API_ANON_RATE = os.environ.get("ATLAS_API_ANON_RATE", "100000/minute")

SPECTACULAR_SETTINGS = {
    "TITLE": "Survey Atlas API",
    "DESCRIPTION": (
        "Browse, query, curate and export a research survey's taxonomy and papers."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_json_exports",
    ],
    "ENUM_NAME_OVERRIDES": {
        "NodeKindEnum": "taxonomy.models.Kind",
        "VenueKindEnum": "papers.models.VenueKind",
        "ProvenanceEnum": "taxonomy.models.Provenance",
        "LabelSourceEnum": "papers.models.LabelSource",
    },
}

# The survey this knowledge base is built around; its paper is shown on the overview.
SURVEY_CITATION_KEY = "jabeen2023review"
SURVEY_FIXTURES_DIR = BASE_DIR / "fixtures" / "survey"

# The largest .bib file an import accepts (command line, API and curator page).
BIBTEX_MAX_UPLOAD_BYTES = int(os.environ.get("ATLAS_BIBTEX_MAX_BYTES", 5_000_000))
# The largest request body of any kind (a .bib upload plus its form around it);
# larger ones get 413 before they are read.
ATLAS_MAX_REQUEST_BYTES = int(
    os.environ.get("ATLAS_MAX_REQUEST_BYTES", BIBTEX_MAX_UPLOAD_BYTES + 65_536)
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
    },
}
