"""SNUT settings, read from the environment.

SQLite is the default so that a fresh checkout just runs; production sets
DATABASE_URL (PostgreSQL), SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "0")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
elif not DEBUG and (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    # Django's own rule (check W009), made fatal: a guessable key forges sessions
    # and password-reset links.
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak: at least {SECRET_KEY_MIN_LENGTH} characters and "
        f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} distinct ones, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "snut.admin_app.SnutAdminConfig",  # Django's admin, landing staff on the dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks",
    # django-cachalot, only its record of when each table was last written (snut/page_memo.py).
    "snut.table_stamps.TableStampsConfig",
    "snut.tasks_app.BackgroundTasksConfig",  # django-tasks-db, named in French
    "diagnostics",
]

MIDDLEWARE = [
    # First, so that nothing reads a body that is too large.
    "snut.middleware.request_size_limit",
    "snut.middleware.no_nul_in_url",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "snut.middleware.security_headers",
    "snut.middleware.private_pages",
    # Below every header middleware, so that a page served again carries them too.
    "snut.page_memo.page_memo",
    # Last, as django-axes asks: it turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "snut.accounts.AddressThrottleBackend",
    # Django's ModelBackend, its users' permissions kept until they change (snut/permissions.py).
    "snut.permissions.KeptPermissionsBackend",
    # Listed for the sessions it signed in before (a session names its backend): it checks
    # no password (the backend above ends a refused login) and reads the permissions the
    # backend above kept on the user.
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after 5 failures for one user name from one address, that
# pair waits 15 minutes. Keyed on the pair, so nobody elsewhere can lock a
# director out. A cool-off always ends: no permanent lockout.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "snut.accounts.lockout_response"
# Behind N reverse proxies (AXES_PROXY_COUNT=N), each appends the address it saw
# to X-Forwarded-For and the last one connects to us: the client is the N-th
# address from the end of the header (django-ipware counts the N-1 proxies
# written in it). Whatever a client writes before that is ignored, not trusted.
_proxy_count = envint("AXES_PROXY_COUNT", "0")
if _proxy_count:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "left-most"  # the standard order: client first
    AXES_IPWARE_PROXY_COUNT = _proxy_count - 1
    IPWARE_STRICT = False  # a longer (spoofed) header still yields the right address
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# An address-only limit on failed logins, whatever the user names: it stops
# password spraying and the hashing of a password for every invented name.
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", "30")
# Password reset: requests per address, and mails per account, within an hour.
PASSWORD_RESET_ADDRESS_LIMIT = envint("PASSWORD_RESET_ADDRESS_LIMIT", "10")
PASSWORD_RESET_ACCOUNT_LIMIT = envint("PASSWORD_RESET_ACCOUNT_LIMIT", "3")
# django-ratelimit counts in the default cache and reads addresses like axes.
RATELIMIT_IP_META_KEY = "snut.accounts.client_address"
# If the cache is out of reach, let requests through: django-axes (in the
# database) still throttles each user name and address.
RATELIMIT_FAIL_OPEN = True

# Request size: a body announced above REQUEST_MAX_BODY_SIZE is refused before
# it is read; form fields are capped in memory and in number; a file part is
# refused (snut.middleware.NoFileUploadHandler) except on the one page that takes
# a file, the import of an office's businesses, which keeps at most
# BUSINESS_IMPORT_MAX_BYTES of it in memory (diagnostics.views.businesses).
REQUEST_MAX_BODY_SIZE = envint("REQUEST_MAX_BODY_SIZE", str(2 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FIELDS = envint("DATA_UPLOAD_MAX_NUMBER_FIELDS", "1000")
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", str(1024 * 1024))
FILE_UPLOAD_HANDLERS = ["snut.middleware.NoFileUploadHandler"]

ROOT_URLCONF = "snut.urls"
WSGI_APPLICATION = "snut.wsgi.application"

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
                "diagnostics.network.context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
# PDF reports, dashboard figures and the login/reset counters live in the cache.
# Development: local memory (one process, nothing to set up). Production:
# CACHE_URL=redis://host:6379/0, shared by every worker and every app server,
# through Django's own Redis backend (atomic counters, expiry by Redis).
CACHE_URL = os.getenv("CACHE_URL", "")
# The latest migration of `diagnostics` (its number): a model's change changes it.
LATEST_MIGRATION = max(
    (path.name[:4] for path in (BASE_DIR / "diagnostics" / "migrations").glob("[0-9]*.py")),
    default="0",
)
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", "snut"),
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # When each table was last written (snut/table_stamps.py): the same Redis, through a
    # backend that never lets a write to the database fail because Redis is away.
    "table_stamps": (
        {
            "BACKEND": "snut.table_stamps.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", "snut") + "-tables",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if CACHE_URL
        else {
            "BACKEND": "snut.table_stamps.LocalStampsCache",
            "LOCATION": "table-stamps",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    ),
    # Figures drawn from submitted diagnostics (selectors/stored_figures.py), in a table of
    # the database (migration 0031): what the dashboard, the training needs and pooling
    # read is not lost when the shared cache is emptied. One row per kind and campaign,
    # never expiring; its key prefix names the Django version and the latest migration,
    # whose model instances it holds pickled.
    "figures": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "snut_figures",
        "KEY_PREFIX": f"snut-figures-{django.get_version()}-{LATEST_MIGRATION}",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

# A page its reader opens again is served as it was until a table it read is written
# (snut/page_memo.py): django-cachalot records when each table was last written, in the
# cache above; its own cache of query results stays off.
CACHALOT_ENABLED = False
# Every statement that writes, ORM or raw, is timestamped once it ran by
# snut/table_stamps.py; cachalot's own search of raw SQL (a regular expression over every
# statement the ORM does not mark, reads included: ~0.3 ms for a few kilobytes) is not needed.
CACHALOT_INVALIDATE_RAW = False
# Written at every autosave: timestamped by snut/table_stamps.py alone, apart for a draft's
# answers and activity (`<table>@drafts`) and for every other write (`<table>@all`).
TABLE_STAMPS_BY_DRAFTS = ("diagnostics_answer", "diagnostics_diagnostic")
# The rows of an office's territory that the services write for that office alone
# (table_stamps.office_writes: a business created, changed or imported, invited, opening
# its link, starting or submitting its diagnostic): « Mon territoire » and the workshop programme of another office,
# which read of these tables only their own office's rows (`Reads.scope`), are not
# written again for them.
TABLE_STAMPS_BY_OFFICE = (
    "diagnostics_organisation",
    "diagnostics_diagnostic",
    "diagnostics_axisscore",
    "diagnostics_businesslink",
)
CACHALOT_UNCACHABLE_TABLES = (
    "django_migrations",
    *TABLE_STAMPS_BY_DRAFTS,
    *TABLE_STAMPS_BY_OFFICE,
)
CACHALOT_CACHE = "table_stamps"
CACHALOT_TIMEOUT = 7 * 24 * 3600  # every key SNUT writes expires; a lost one is never "unwritten"
# cachalot.W001: the timestamps' backend is Django's Redis backend, never failing a write.
SILENCED_SYSTEM_CHECKS = ["cachalot.W001"]
PAGE_MEMO_SECONDS = envint("PAGE_MEMO_SECONDS", "600")
# The pages kept that show nothing of a draft's answers or last activity: the autosave's
# writes leave them as they are (tests/test_seed_demo.py checks each one).
PAGE_MEMO_BLIND_TO_DRAFTS = (
    # Directors and their teams.
    "diagnostics:results",
    "diagnostics:report_pdf",
    "diagnostics:plan",
    "diagnostics:territory",
    "diagnostics:workshops",
    "diagnostics:rediagnosis",
    "diagnostics:bilan",
    # Network staff.
    "admin:diagnostics_office_changelist",
    "admin:diagnostics_office_compare",
    "admin:diagnostics_office_dashboard",
    "admin:diagnostics_training_needs",
    "admin:diagnostics_action_pooling",
    "admin:diagnostics_businesscampaign_changelist",
    "admin:diagnostics_businesscampaign_weakest",
    "admin:diagnostics_business_changelist",
)
# Not the session page: how far its invitations have gone is read from the cache, and
# whether it has begun from the clock.
# Each process's own memory (no CACHE_URL) never sees what the task worker writes: no
# timestamp kept there can say whether the worker wrote a table.
STAMPS_SEEN_BY_EVERY_WRITER = (
    bool(CACHE_URL) or os.getenv("TASKS_BACKEND", "immediate") == "immediate"
)
PAGE_MEMO = (
    ()
    if os.getenv("PAGE_MEMO") == "off" or not STAMPS_SEEN_BY_EVERY_WRITER
    else (
        *PAGE_MEMO_BLIND_TO_DRAFTS,
        # Pages that show a draft: computed again after any autosave.
        "diagnostics:office",
        "diagnostics:review",
        "admin:diagnostics_diagnostic_changelist",
        "admin:diagnostics_diagnostic_change",
        "admin:diagnostics_campaign_changelist",
    )
)
# The results and plan pages below their header, « Mon territoire » and the workshop
# programme below the navigation, kept for every reader of the same role
# until a table they read is written (diagnostics/views/kept_parts.py): on the same
# conditions as the memo, whose timestamps they use (`PAGE_MEMO=off` turns both off; the
# memo alone, `settings.PAGE_MEMO = ()`, leaves them on).
PAGE_PARTS_KEPT = bool(PAGE_MEMO)
# What many pages read, the same for every reader (page_memo.kept: the network's
# departments, the filters' choices, the training needs' counts, the bilan…): kept on the
# same timestamps, unless they cannot see the task worker's writes.
PAGE_VALUES_KEPT = STAMPS_SEEN_BY_EVERY_WRITER

# Background work (django-tasks, the backport of Django 6's Tasks framework).
# Development and tests: the immediate backend runs a task at once, in the
# process that enqueues it (no extra process). Production: TASKS_BACKEND=database
# stores tasks in the database, run by `manage.py worker` beside gunicorn.
TASKS_BACKEND = os.getenv("TASKS_BACKEND", "immediate")
# `manage.py worker` (db_worker plus a heartbeat) records that it is alive every
# TASK_WORKER_HEARTBEAT_SECONDS; a running task none of whose workers has been seen
# for TASK_WORKER_LOST_AFTER_SECONDS is failed and retried (diagnostics/task_recovery.py).
TASK_WORKER_HEARTBEAT_SECONDS = envint("TASK_WORKER_HEARTBEAT_SECONDS", "10")
TASK_WORKER_LOST_AFTER_SECONDS = envint("TASK_WORKER_LOST_AFTER_SECONDS", "60")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks: taking the write lock when a transaction begins
    # serialises colleagues' saves instead of failing with « database is locked ».
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# French first: msgids are written in French and go through gettext, so an
# English catalogue can be added later under locale/ without touching code.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Private files (the staff's exports), in Django's default storage: a folder that
# neither Django nor the reverse proxy serves (no MEDIA_URL route); files leave it
# only through the admin's download view, which checks who asks.
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", str(BASE_DIR / "private")))
EXPORTS_DIR = "exports"
# Exports are deleted after this many days (`manage.py prune_exports`, and at each new request).
EXPORT_MAX_AGE_DAYS = envint("EXPORT_MAX_AGE_DAYS", "7")
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "SNUT <no-reply@snut.localhost>")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "0")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "30")

# Onboarding by invitation: how long a link stays valid, and who sends it
# (diagnostics.network.network_info reads the network's name and contact).
INVITATION_MAX_AGE_DAYS = envint("INVITATION_MAX_AGE_DAYS", "7")
# A business's personal link lives until its campaign closes, and at least this long.
BUSINESS_LINK_MIN_AGE_DAYS = envint("BUSINESS_LINK_MIN_AGE_DAYS", "14")
# An office's CSV of businesses: at most this many bytes and data lines (refused beyond).
BUSINESS_IMPORT_MAX_BYTES = envint("BUSINESS_IMPORT_MAX_BYTES", str(1024 * 1024))
BUSINESS_IMPORT_MAX_LINES = envint("BUSINESS_IMPORT_MAX_LINES", "2000")
SNUT_NETWORK_NAME = os.getenv("SNUT_NETWORK_NAME", "Réseau régional des offices de tourisme")
SNUT_NETWORK_CONTACT = os.getenv("SNUT_NETWORK_CONTACT", "")
# « Observé »: what SNUT reads on the offices' and businesses' websites (diagnostics/fetching.py).
# Each fetch stops after SNUT_FETCH_TIMEOUT seconds and SNUT_FETCH_MAX_BYTES bytes; an
# organisation's check may be asked again once per SNUT_WEBSITE_CHECK_THROTTLE_MINUTES.
SNUT_FETCH_TIMEOUT = float(os.getenv("SNUT_FETCH_TIMEOUT", "10"))
SNUT_FETCH_MAX_BYTES = envint("SNUT_FETCH_MAX_BYTES", str(2 * 1024 * 1024))
SNUT_WEBSITE_CHECK_THROTTLE_MINUTES = envint("SNUT_WEBSITE_CHECK_THROTTLE_MINUTES", "60")
# Lets the checker reach loopback addresses (the tests' local web server): never in
# production, which refuses to start with it.
SNUT_FETCH_ALLOW_LOOPBACK = envbool("SNUT_FETCH_ALLOW_LOOPBACK", "0")
if SNUT_FETCH_ALLOW_LOOPBACK and not DEBUG:
    raise ImproperlyConfigured(
        "SNUT_FETCH_ALLOW_LOOPBACK lets the website checker reach this machine: "
        "it is for the tests only, never with DEBUG off."
    )
# The network's territory: INSEE codes of its regions (fixtures/territoires.json);
# empty means all of France. Offices are created in the departments of these regions.
SNUT_NETWORK_REGIONS = envlist("SNUT_NETWORK_REGIONS", "")
# The facts of « Mentions légales » and « Données personnelles » (diagnostics/legal.py):
# who publishes SNUT, who answers for its data, who hosts it. Left empty, a page shows
# « (à renseigner) » and, with DEBUG off, the system checks warn (snut.W001).
SNUT_PUBLISHER_NAME = os.getenv("SNUT_PUBLISHER_NAME", "")
SNUT_PUBLISHER_ADDRESS = os.getenv("SNUT_PUBLISHER_ADDRESS", "")
SNUT_PUBLISHER_PHONE = os.getenv("SNUT_PUBLISHER_PHONE", "")
SNUT_PUBLISHER_REGISTRATION = os.getenv("SNUT_PUBLISHER_REGISTRATION", "")  # optional
SNUT_PUBLICATION_DIRECTOR = os.getenv("SNUT_PUBLICATION_DIRECTOR", "")
SNUT_DPO_CONTACT = os.getenv("SNUT_DPO_CONTACT", "")
SNUT_HOST_NAME = os.getenv("SNUT_HOST_NAME", "")
SNUT_HOST_ADDRESS = os.getenv("SNUT_HOST_ADDRESS", "")
SNUT_HOST_PHONE = os.getenv("SNUT_HOST_PHONE", "")
# Retention stated on « Données personnelles »: a business's contact data and answers are
# purged this many months after their campaign closed; logs are kept this many days.
SNUT_BUSINESS_RETENTION_MONTHS = envint("SNUT_BUSINESS_RETENTION_MONTHS", "36")
SNUT_LOG_RETENTION_DAYS = envint("SNUT_LOG_RETENTION_DAYS", "365")

# Production hardening: on by default whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    if envbool("BEHIND_TLS_PROXY", "0"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Production logs one JSON object per line on stdout; development stays readable.
LOG_JSON = envbool("LOG_JSON", "0" if DEBUG else "1")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "snut.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
        | ({"formatter": "json"} if LOG_JSON else {}),
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
