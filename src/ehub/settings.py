"""ehub settings, read from the environment.

- ``DATABASE_URL``: any dj-database-url URL; default an SQLite file ``var/ehub.sqlite3`` (WAL mode).
- ``REDIS_URL``: optional; when set, the cache uses Redis, otherwise local memory.
- ``SECRET_KEY``: required to be set (not the development default) when ``EHUB_ENV=production``.
- ``ALLOWED_HOSTS``: comma-separated.
- ``EHUB_*``: ehub's own settings (see ``docs/configuration.md``).
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent


def _default_home() -> Path:
    """The checkout's root when run from a source checkout, else a per-user data folder."""
    checkout = PACKAGE_DIR.parent.parent
    if (checkout / "pyproject.toml").exists():
        return checkout
    return Path.home() / ".local" / "share" / "ehub"


# Fixed, whatever the current directory: `ehub migrate` from anywhere uses the same database.
BASE_DIR = Path(os.environ.get("EHUB_HOME") or _default_home()).resolve()

DEVELOPMENT_SECRET_KEY = "ehub-development-secret-key-do-not-use-in-production"  # noqa: S105


def _env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


EHUB_ENV = os.environ.get("EHUB_ENV", "development").strip().lower()
if EHUB_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"EHUB_ENV must be development, test or production, not {EHUB_ENV!r}"
    )
PRODUCTION = EHUB_ENV == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters when "
        "EHUB_ENV=production (the development default is refused)"
    )

DEBUG = os.environ.get("EHUB_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]
if not PRODUCTION:
    ALLOWED_HOSTS += ["testserver"]

VAR_DIR = Path(os.environ.get("EHUB_VAR_DIR", BASE_DIR / "var")).resolve()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "ehub.core",
    "ehub.accounts",
    "ehub.markets",
    "ehub.sellers",
    "ehub.customs",
    "ehub.catalog",
    "ehub.search",
    "ehub.inventory",
    "ehub.checkout",
    "ehub.orders",
    "ehub.ledger",
    "ehub.payments",
    "ehub.logistics",
    "ehub.documents",
    "ehub.demo",
    "ehub.web",
]

MIDDLEWARE = [
    "ehub.core.middleware.ApiErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ehub.web.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "ehub.urls"
WSGI_APPLICATION = "ehub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
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

# -- database ----------------------------------------------------------------------------------
DEFAULT_SQLITE_PATH = VAR_DIR / "ehub.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_health_checks=True)}
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL {DATABASE_URL!r} is not a database URL: {exc}"
    ) from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE makes a write transaction take the
    # write lock at BEGIN, so two writers queue (busy timeout) instead of failing on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep server connections open between requests (opening one costs milliseconds on PostgreSQL);
# Django checks a reused connection is alive first. SQLite opens a file: nothing to keep.
DATABASES["default"]["CONN_MAX_AGE"] = (
    0
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    else _env_int("EHUB_DB_CONN_MAX_AGE", 60)
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# -- cache -------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# -- auth --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/signin/"
if EHUB_ENV == "test":
    # The suite creates many users; PBKDF2's deliberate slowness buys nothing in tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# -- i18n --------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("ms", "Bahasa Melayu")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# -- static ------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"

# -- security ----------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("EHUB_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = _env_int("EHUB_HSTS_SECONDS", 31536000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("EHUB_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# -- ehub's own settings -----------------------------------------------------------------------
# Where the HS nomenclature CSV lives for `ehub hs import` without an argument and for tests.
EHUB_HS_DATA_DIR = Path(
    os.environ.get("EHUB_HS_DATA_DIR", BASE_DIR.parent / "shared" / "data" / "hs")
)
# How long a locked FX quote stays valid (seconds).
EHUB_FX_QUOTE_TTL_SECONDS = _env_int("EHUB_FX_QUOTE_TTL_SECONDS", 900, minimum=1)
# How old the newest stored rate for a pair may be before conversion refuses it (days).
EHUB_FX_MAX_AGE_DAYS = _env_int("EHUB_FX_MAX_AGE_DAYS", 7)

# -- ledger ------------------------------------------------------------------------------------
# Platform commission on goods when neither the seller nor the category has its own rate
# (ehub.ledger.models.CommissionRate), as a decimal fraction: "0.05" is 5%.
EHUB_DEFAULT_COMMISSION_RATE = os.environ.get("EHUB_DEFAULT_COMMISSION_RATE", "0.05").strip()
try:
    if not 0 <= Decimal(EHUB_DEFAULT_COMMISSION_RATE) <= 1:
        raise InvalidOperation
except InvalidOperation:
    raise ImproperlyConfigured(
        "EHUB_DEFAULT_COMMISSION_RATE must be a fraction between 0 and 1 such as 0.05, "
        f"not {EHUB_DEFAULT_COMMISSION_RATE!r}"
    ) from None

# -- payments ----------------------------------------------------------------------------------
# The sandbox provider (hosted page + test cards, docs/payments.md). Off by default in production:
# anyone holding a sandbox link could "pay" with the 4242 test card.
EHUB_PAYMENTS_SANDBOX_ENABLED = (
    os.environ.get("EHUB_PAYMENTS_SANDBOX_ENABLED", "0" if PRODUCTION else "1") == "1"
)
# The shared secret the sandbox signs its callbacks with (HMAC-SHA256).
EHUB_PAYMENTS_SANDBOX_SECRET = os.environ.get(
    "EHUB_PAYMENTS_SANDBOX_SECRET", "ehub-sandbox-callback-secret-for-development"
)
# How far a callback's signed timestamp may be from now, either way, before it is a replay (s).
EHUB_PAYMENTS_SIGNATURE_TOLERANCE_SECONDS = _env_int(
    "EHUB_PAYMENTS_SIGNATURE_TOLERANCE_SECONDS", 300, minimum=1
)
# How long a payment may stay pending before `ehub payments expire` marks it failed (s).
EHUB_PAYMENTS_PENDING_TTL_SECONDS = _env_int("EHUB_PAYMENTS_PENDING_TTL_SECONDS", 1800, minimum=1)

# -- background work (docs/adr/0010-background-work.md) ----------------------------------------
# django-tasks with its database backend: a task enqueued inside a transaction is a row written
# in that transaction (the outbox), run by `ehub db_worker` (or `ehub jobs work`) after commit.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("EHUB_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# How often `ehub jobs schedule` / `ehub jobs work` enqueue each periodic sweep (seconds).
EHUB_JOBS_INTERVAL_SECONDS = _env_int("EHUB_JOBS_INTERVAL_SECONDS", 60, minimum=1)

# -- catalog -----------------------------------------------------------------------------------
# The largest Shopify CSV the seller centre accepts for a background import (bytes).
EHUB_CATALOG_IMPORT_MAX_BYTES = _env_int(
    "EHUB_CATALOG_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024
)

# -- checkout and orders -----------------------------------------------------------------------
# How long a checkout quote (prices, shipping, FX, landed cost) stays valid (seconds).
EHUB_CHECKOUT_QUOTE_TTL_SECONDS = _env_int("EHUB_CHECKOUT_QUOTE_TTL_SECONDS", 900, minimum=1)
# Unpaid orders older than this are cancelled by `ehub orders expire-unpaid` (minutes).
EHUB_ORDERS_UNPAID_TTL_MINUTES = _env_int("EHUB_ORDERS_UNPAID_TTL_MINUTES", 30, minimum=1)
# Stored Idempotency-Key responses are kept at least this long (hours; never under 24).
EHUB_ORDERS_IDEMPOTENCY_KEY_TTL_HOURS = _env_int(
    "EHUB_ORDERS_IDEMPOTENCY_KEY_TTL_HOURS", 24, minimum=24
)
# A delivered order's escrow is released when the buyer confirms receipt, or by
# `ehub orders release-lapsed` once this many days have passed since delivery.
EHUB_ORDERS_CONFIRMATION_WINDOW_DAYS = _env_int(
    "EHUB_ORDERS_CONFIRMATION_WINDOW_DAYS", 10, minimum=1
)

# -- logistics ---------------------------------------------------------------------------------
# A parcel weighed at the hub is flagged when |measured - declared| is above both this percentage
# of the declared weight and this many grams (docs/logistics.md).
EHUB_LOGISTICS_WEIGHT_TOLERANCE_PERCENT = _env_int("EHUB_LOGISTICS_WEIGHT_TOLERANCE_PERCENT", 10)
EHUB_LOGISTICS_WEIGHT_TOLERANCE_MIN_GRAMS = _env_int(
    "EHUB_LOGISTICS_WEIGHT_TOLERANCE_MIN_GRAMS", 50
)
# The sandbox carrier (signed tracking webhooks, docs/logistics.md). Off by default in production.
EHUB_LOGISTICS_SANDBOX_ENABLED = (
    os.environ.get("EHUB_LOGISTICS_SANDBOX_ENABLED", "0" if PRODUCTION else "1") == "1"
)
EHUB_LOGISTICS_SANDBOX_SECRET = os.environ.get(
    "EHUB_LOGISTICS_SANDBOX_SECRET", "ehub-sandbox-carrier-secret-for-development"
)
# How far a carrier webhook's signed timestamp may be from now, either way (seconds).
EHUB_LOGISTICS_SIGNATURE_TOLERANCE_SECONDS = _env_int(
    "EHUB_LOGISTICS_SIGNATURE_TOLERANCE_SECONDS", 300, minimum=1
)
# The sandbox carrier misbehaves on purpose when asked: every event delivered twice, and events
# released together delivered newest first.
EHUB_LOGISTICS_SANDBOX_DUPLICATES = os.environ.get("EHUB_LOGISTICS_SANDBOX_DUPLICATES", "0") == "1"
EHUB_LOGISTICS_SANDBOX_OUT_OF_ORDER = (
    os.environ.get("EHUB_LOGISTICS_SANDBOX_OUT_OF_ORDER", "0") == "1"
)
# Delivery fails (for the first N attempts) when the recipient's name contains the marker or the
# postal code is listed (comma-separated).
EHUB_LOGISTICS_SANDBOX_FAIL_MARKER = os.environ.get(
    "EHUB_LOGISTICS_SANDBOX_FAIL_MARKER", "[not home]"
)
EHUB_LOGISTICS_SANDBOX_FAIL_POSTAL_CODES = [
    code.strip()
    for code in os.environ.get("EHUB_LOGISTICS_SANDBOX_FAIL_POSTAL_CODES", "").split(",")
    if code.strip()
]
EHUB_LOGISTICS_SANDBOX_FAILED_ATTEMPTS = _env_int("EHUB_LOGISTICS_SANDBOX_FAILED_ATTEMPTS", 1)
# How often the background job moves every sandbox journey one step (seconds): a demo's parcels
# reach the buyer in a few minutes without anyone running `ehub logistics advance-sandbox`.
EHUB_LOGISTICS_SANDBOX_STEP_SECONDS = _env_int("EHUB_LOGISTICS_SANDBOX_STEP_SECONDS", 30, minimum=1)
