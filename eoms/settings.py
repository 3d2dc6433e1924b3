"""EOMS settings. Every knob is an EOMS_* environment variable (docs/configuration.md).

A bad value stops start-up with a message that names the variable.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
TESTING = "pytest" in sys.modules or os.environ.get("EOMS_TESTING") == "1"


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    raw = env(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = env(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}")
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env(name)
    return default if raw is None else [p.strip() for p in raw.split(",") if p.strip()]


DEBUG = env_bool("EOMS_DEBUG", False)
DATA_DIR = Path(env("EOMS_DATA_DIR", str(Path.cwd() / "var"))).resolve()  # type: ignore[arg-type]


def _secret_key() -> str:
    key = env("EOMS_SECRET_KEY")
    key_file = env("EOMS_SECRET_KEY_FILE")
    if key and key_file:
        raise ImproperlyConfigured("Set EOMS_SECRET_KEY or EOMS_SECRET_KEY_FILE, not both")
    if key_file:
        try:
            key = Path(key_file).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"EOMS_SECRET_KEY_FILE {key_file!r} cannot be read: {exc}")
    if key:
        if not DEBUG and not TESTING and len(key) < 50:
            raise ImproperlyConfigured("EOMS_SECRET_KEY must be at least 50 characters long")
        return key
    # Development and tests: a key kept in the data directory, made once.
    generated = DATA_DIR / "secret_key"
    if generated.exists():
        return generated.read_text().strip()
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(64)
        generated.write_text(value)
        generated.chmod(0o600)
        return value
    except OSError as exc:
        raise ImproperlyConfigured(f"EOMS_DATA_DIR {str(DATA_DIR)!r} is not writable: {exc}")


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("EOMS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("EOMS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "eoms.core",
    "eoms.audit",
    "eoms.accounts",
    "eoms.masterdata",
    "eoms.orders",
    "eoms.scheduling",
    "eoms.fieldwork",
    "eoms.materials",
    "eoms.quality",
    "eoms.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "eoms.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "eoms.accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "eoms.accounts.middleware.SessionTimeoutMiddleware",  # after messages: it adds one
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "eoms.core.middleware.AuditContextMiddleware",
    "eoms.core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "eoms.urls"
WSGI_APPLICATION = "eoms.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "eoms.core.context_processors.shell",
            ],
            "builtins": ["eoms.core.templatetags.numbers"],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env("EOMS_DATABASE_URL")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises ValueError and others
        raise ImproperlyConfigured(f"EOMS_DATABASE_URL cannot be understood: {exc}")
    if _db.get("ENGINE") == "django.db.backends.sqlite3":
        _db.setdefault("OPTIONS", {})
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "eoms.sqlite3")}

if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work together; a writer waits (busy timeout)
    # instead of failing, and IMMEDIATE takes the write lock at BEGIN, so a transaction
    # never has to upgrade a read lock (the upgrade is what raises "database is locked").
    _db["OPTIONS"] = {
        **_db.get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
            " PRAGMA foreign_keys=ON;"
        ),
    }
    _db.pop("CONN_HEALTH_CHECKS", None)
    _db["CONN_MAX_AGE"] = 0
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs (Huey) -------------------------------------------------------------
REDIS_URL = env("EOMS_REDIS_URL")
_huey_immediate = env_bool("EOMS_JOBS_IMMEDIATE", TESTING)
if REDIS_URL:
    _parsed = urlparse(REDIS_URL)
    if _parsed.scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"EOMS_REDIS_URL must start with redis://, not {REDIS_URL!r}")
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env("EOMS_QUEUE_NAME", "eoms"),
        "url": REDIS_URL,
        "immediate": _huey_immediate,
        "results": True,
        "store_none": False,
        "utc": True,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "eoms",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": _huey_immediate,
        "results": True,
        "utc": True,
    }

# --- Cache --------------------------------------------------------------------------------
# Shared through Redis when there is one, so every web process reuses what another built
# (the Gantt documents); otherwise each process keeps its own. Tests keep theirs in memory:
# several test databases must never share cached pages.
if REDIS_URL and not TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": env("EOMS_QUEUE_NAME", "eoms")}}

# --- Mail -----------------------------------------------------------------------------
EMAIL_URL = env("EOMS_EMAIL_URL")
DEFAULT_FROM_EMAIL = env("EOMS_EMAIL_FROM", "EOMS <eoms@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20
if EMAIL_URL:
    _mail = urlparse(EMAIL_URL)
    if _mail.scheme not in {"smtp", "smtps", "smtp+tls", "console"}:
        raise ImproperlyConfigured(
            "EOMS_EMAIL_URL must be smtp://, smtp+tls://, smtps:// or console://, "
            f"not {EMAIL_URL!r}"
        )
    if _mail.scheme == "console":
        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    else:
        EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        EMAIL_HOST = _mail.hostname or "localhost"
        try:
            EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
        except ValueError:
            raise ImproperlyConfigured(f"EOMS_EMAIL_URL has a bad port: {EMAIL_URL!r}")
        EMAIL_HOST_USER = unquote(_mail.username or "")
        EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
        EMAIL_USE_SSL = _mail.scheme == "smtps"
        EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
        _q = parse_qs(_mail.query)
        if "from" in _q:
            DEFAULT_FROM_EMAIL = SERVER_EMAIL = _q["from"][0]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Auth and sessions ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("EOMS_SESSION_ABSOLUTE_MINUTES", 12 * 60, minimum=5) * 60
SESSION_IDLE_SECONDS = env_int("EOMS_SESSION_IDLE_MINUTES", 60, minimum=1) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_FAILURE_LIMIT = env_int("EOMS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_IP_LIMIT = env_int("EOMS_LOGIN_FAILURE_IP_LIMIT", 20, minimum=1)
LOGIN_FAILURE_WINDOW = env_int("EOMS_LOGIN_FAILURE_WINDOW_MINUTES", 15, minimum=1) * 60

# --- Security (production passes `check --deploy`) ------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Tests talk plain HTTP (test client, live server): no redirect, no Secure cookies.
    _https = env_bool("EOMS_HTTPS", not TESTING)
    SESSION_COOKIE_SECURE = _https
    CSRF_COOKIE_SECURE = _https
    SECURE_SSL_REDIRECT = env_bool("EOMS_SSL_REDIRECT", _https)
    SECURE_HSTS_SECONDS = env_int("EOMS_HSTS_SECONDS", 31536000 if _https else 0, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
    SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SILENCED_SYSTEM_CHECKS: list[str] = [] if _https else ["security.W004", "security.W008",
                                                        "security.W012", "security.W016"]

# --- Internationalisation -----------------------------------------------------------------
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_CODE = env("EOMS_LANGUAGE", "zh-hans")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"EOMS_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}, not {LANGUAGE_CODE!r}"
    )
TIME_ZONE = env("EOMS_TIME_ZONE", "Asia/Shanghai")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)  # type: ignore[arg-type]
except Exception:
    raise ImproperlyConfigured(f"EOMS_TIME_ZONE {TIME_ZONE!r} is not a known time zone")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
CURRENCY = env("EOMS_CURRENCY", "CNY")
SITE_URL = env("EOMS_SITE_URL", "http://127.0.0.1:8000")
DEMO_HINT = env_bool("EOMS_DEMO_HINT", True)

# --- Files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


def s3_storage(bucket: str, *, endpoint_url: str | None = None, region: str | None = None,
               access_key: str | None = None, secret_key: str | None = None,
               prefix: str = "") -> dict[str, Any]:
    """The default storage on an S3-compatible bucket (also used by the tests)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket, "endpoint_url": endpoint_url, "region_name": region,
            "access_key": access_key, "secret_key": secret_key, "location": prefix,
            "default_acl": "private", "file_overwrite": False, "querystring_auth": True,
        },
    }


# Files on S3-compatible object storage (MinIO, Aliyun OSS, Tencent COS, AWS S3) when a
# bucket is named; needs the optional extra: pip install "eoms[s3]". Objects stay private:
# every download goes through a view that checks access.
S3_BUCKET = env("EOMS_S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = s3_storage(
        S3_BUCKET, endpoint_url=env("EOMS_S3_ENDPOINT_URL") or None,
        region=env("EOMS_S3_REGION") or None, access_key=env("EOMS_S3_ACCESS_KEY") or None,
        secret_key=env("EOMS_S3_SECRET_KEY") or None, prefix=env("EOMS_S3_PREFIX") or "")

WHITENOISE_USE_FINDERS = DEBUG or TESTING
UPLOAD_MAX_BYTES = env_int("EOMS_UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Audit ------------------------------------------------------------------------------
AUDIT_RETENTION_DAYS = env_int("EOMS_AUDIT_RETENTION_DAYS", 400, minimum=183)
# In tests a model write outside any audit context is an error, so nothing goes unrecorded.
AUDIT_REQUIRE_CONTEXT = TESTING or env_bool("EOMS_AUDIT_REQUIRE_CONTEXT", False)

# --- API --------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
API_MAX_PAGE_SIZE = 200
IDEMPOTENCY_TTL_HOURS = env_int("EOMS_IDEMPOTENCY_TTL_HOURS", 48, minimum=1)

# --- Field work -------------------------------------------------------------------------
# A reported GPS accuracy widens a site's geofence by at most this many metres.
GEOFENCE_TOLERANCE_M = env_int("EOMS_GEOFENCE_TOLERANCE_M", 100, minimum=0)
# A check-in made offline may arrive this many days after it was made.
CHECKIN_MAX_DELAY_DAYS = env_int("EOMS_CHECKIN_MAX_DELAY_DAYS", 7, minimum=1)
# One photo upload: bytes and decoded pixels.
PHOTO_MAX_BYTES = env_int("EOMS_PHOTO_MAX_MB", 25, minimum=1) * 1024 * 1024
PHOTO_MAX_PIXELS = env_int("EOMS_PHOTO_MAX_MEGAPIXELS", 50, minimum=1) * 1_000_000
PHOTOS_PER_CHECKIN = env_int("EOMS_PHOTOS_PER_CHECKIN", 12, minimum=1)
# Quality: photos (影像资料) one inspection may hold.
QUALITY_PHOTOS_PER_INSPECTION = env_int("EOMS_QUALITY_PHOTOS_PER_INSPECTION", 30, minimum=1)
# Quality report cover (GB/T 50328 案卷封面): 立卷单位 (default: the brand) and 保管期限.
ARCHIVE_UNIT = env("EOMS_ARCHIVE_UNIT", "") or ""
ARCHIVE_RETENTION = env("EOMS_ARCHIVE_RETENTION", "") or ""

# --- Scheduling -----------------------------------------------------------------------
# An overdue task escalates to management after this many working days.
OVERDUE_ESCALATION_DAYS = env_int("EOMS_OVERDUE_ESCALATION_DAYS", 3, minimum=1)
# A milestone whose float is used up warns its project manager this many days ahead.
MILESTONE_WARNING_DAYS = env_int("EOMS_MILESTONE_WARNING_DAYS", 10, minimum=1)
# Reverse proxies in front of EOMS that append to X-Forwarded-For (0: clients connect
# directly, REMOTE_ADDR is theirs).
TRUSTED_PROXY_COUNT = env_int("EOMS_TRUSTED_PROXY_COUNT", 0, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("EOMS_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "huey": {"level": "WARNING"}},
}

MESSAGE_TAGS = {40: "danger"}
EOMS_BRAND = _("EOMS 工程订单管理")
