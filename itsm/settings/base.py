"""The framework part of the settings (itsm/settings/__init__.py lists the parts).

Apps, middleware, templates, database, cache, accounts and authentication, languages, static
files, e-mail, Celery, the REST API, security headers and logging.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from itsm.env import (
    env_bool,
    env_broker_url,
    env_database,
    env_int,
    env_list,
    env_rate,
    env_str,
    env_timezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("ITSM_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)


# .env.example's placeholders begin so (SECRET_KEY, POSTGRES_PASSWORD, ITSM_ADMIN_PASSWORD): a
# copied example must not sign anyone's sessions or guard the database.
EXAMPLE_PLACEHOLDER_PREFIX = "change-me"


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key and key.startswith(EXAMPLE_PLACEHOLDER_PREFIX):
        raise ImproperlyConfigured(
            "SECRET_KEY is still the placeholder of .env.example; set a random one, e.g. the "
            "output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development: generate once and keep it under var/, so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "itsm.admin_site.ItsmAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "template_partials",
    # Before accounts: axes counts a failed login before accounts records it (accounts.receivers).
    "axes",
    "csp",
    "core",
    "itsm",
    "accounts",
    "notifications",
    "sla",
    "tickets",
    "assets",
    "surveys",
    "fieldservice",
    "mailin",
    "knowledge",
    "kpi",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "itsm.middleware.ChineseFirstLocaleMiddleware",
    # Early: refusals that need no session, user or database (core/middleware.py).
    "core.middleware.ControlCharactersMiddleware",
    "core.middleware.DatabaseOutageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "itsm.middleware.DebugNotFoundMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a lockout flagged by django-axes into an answer (accounts.security).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "itsm.urls"
WSGI_APPLICATION = "itsm.wsgi.application"

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
                "portal.context_processors.navigation",
                "sla.context_processors.holiday_banner",
                "notifications.context_processors.live",
            ],
        },
    },
]
# Django's widget templates, the most used built in Python (core/form_renderer.py, issue 19).
FORM_RENDERER = "core.form_renderer.FastWidgetRenderer"

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'itsm.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded demo runs web and worker on one SQLite file. A default (deferred) transaction
    # reads first and asks for the write lock later; when another writer got in between, SQLite
    # fails at once with "database is locked" (waiting could deadlock), whatever the timeout.
    # IMMEDIATE takes the write lock at BEGIN, so writers queue for up to `timeout` seconds;
    # WAL lets readers go on while one writes (synchronous=NORMAL is safe with WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    })
    # A file (not :memory:) so subprocess tests can open it; per process so parallel runs of
    # the suite never share one.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-itsm-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (list counts, API throttles; nothing that must hold) ------------------------------
_cache_url = env_str("CACHE_URL")
if _cache_url:
    if not _cache_url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(
            "CACHE_URL must be a redis:// URL (or unset for the in-process cache); "
            f"got {_cache_url!r}."
        )
    # Fails open (core/cache.py): with Redis down the portal runs uncached rather than failing.
    # Short socket timeouts so an unreachable Redis costs a request a second, not a hang.
    CACHES = {"default": {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": _cache_url,
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and authentication ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out (username, client address) before any password is checked.
    "accounts.backends.LockoutBackend",
    "accounts.backends.RoleModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins per (username, client address) before the login is refused for a while.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=1)
# Reverse proxies in front of the app that append to X-Forwarded-For (the compose file's TLS
# proxy: 1). 0: the header is ignored and the connecting address is the client's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Password-reset requests an hour per client address and per e-mail address.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5, minimum=1)
# Security events (accounts.SecurityEvent) older than this are deleted by security_events_purge.
SECURITY_EVENT_RETENTION_DAYS = env_int("SECURITY_EVENT_RETENTION_DAYS", 365, minimum=1)
# Finished background imports (assets.ImportJob: the result shown on the import page) and the
# bulk actions' submission keys (tickets.BulkSubmission: a resent request within this time
# answers the first results) are deleted by the nightly / hourly purge tasks below.
IMPORT_JOB_RETENTION_DAYS = env_int("IMPORT_JOB_RETENTION_DAYS", 30, minimum=1)
BULK_SUBMISSION_RETENTION_HOURS = env_int("BULK_SUBMISSION_RETENTION_HOURS", 24, minimum=1)
# django-axes counts failed logins in the database (AccessAttempt rows), never in the cache, so
# logins work with Redis down; the callables keep LOGIN_FAILURE_LIMIT / LOGIN_LOCKOUT_SECONDS and
# TRUSTED_PROXY_COUNT the only knobs (accounts/security.py).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = "accounts.security.axes_failure_limit"
AXES_COOLOFF_TIME = "accounts.security.axes_cool_off"
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.security.axes_lockout_response"
AXES_RESET_ON_SUCCESS = True
# Successes and logouts go to accounts.SecurityEvent; axes' own access log would repeat them.
AXES_DISABLE_ACCESS_LOG = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=60)
# Django's database sessions, read by a query compiled once per process (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "itsm_language"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files live outside any URL; they are served by permission-checked views only.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
else:
    # No mail server (development, the demo): each message becomes an .eml file under
    # var/mail/ and one INFO log line, instead of a MIME dump in the console.
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "notifications.mail.FileEmailBackend")
    EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "itsm@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------------------------
# CELERY_BROKER_URL wins, then REDIS_URL; with neither, an embedded broker that needs no server
# (kombu's filesystem transport under var/broker) so `make run` works on a bare machine.
REDIS_URL = env_str("REDIS_URL")
_broker = env_str("CELERY_BROKER_URL") or REDIS_URL
BROKER_DIR = VAR_DIR / "broker"
if _broker:
    _source = "CELERY_BROKER_URL" if env_str("CELERY_BROKER_URL") else "REDIS_URL"
    CELERY_BROKER_URL = env_broker_url(_broker, _source)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 5}
else:
    for sub in ("out", "processed"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost//"  # a host name keeps kombu from warning
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
# Installations sharing one Redis keep apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "itsm")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must never hang a web request when the broker is down (celery #4296).
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
HEARTBEAT_SECONDS = env_int("HEARTBEAT_SECONDS", 60, minimum=1)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10, minimum=1)
# A notification left "sending" this long belongs to a worker that died mid-send: the sweep sends
# it again (same Message-ID). It must outlast any live attempt, so it exceeds the timeouts.
NOTIFICATION_SENDING_TIMEOUT = env_int("NOTIFICATION_SENDING_TIMEOUT", 300, minimum=1)
# Live pages (the bell, the SLA board, the managers' home, a ticket someone else changes) poll
# this often; the browser tests shorten it.
LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", 20, minimum=2)
_longest_attempt = max(WEBHOOK_TIMEOUT, EMAIL_TIMEOUT if EMAIL_HOST else 0)
if _longest_attempt >= NOTIFICATION_SENDING_TIMEOUT:
    raise ImproperlyConfigured(
        "NOTIFICATION_SENDING_TIMEOUT must be longer than EMAIL_TIMEOUT and WEBHOOK_TIMEOUT; "
        f"got {NOTIFICATION_SENDING_TIMEOUT}, the longest attempt may take {_longest_attempt}.")
NOTIFICATION_SWEEP_SECONDS = env_int("NOTIFICATION_SWEEP_SECONDS", 60, minimum=1)
SMS_BACKEND = env_str("SMS_BACKEND", "notifications.sms.LoggingSmsBackend")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "itsm.tasks.heartbeat",
        "schedule": timedelta(seconds=HEARTBEAT_SECONDS),
        # Expire just under the interval so a backlog after downtime never piles up.
        "options": {"expires": max(HEARTBEAT_SECONDS - 5, 1)},
    },
    "notifications-sweep": {
        "task": "notifications.tasks.sweep",
        "schedule": timedelta(seconds=NOTIFICATION_SWEEP_SECONDS),
        "options": {"expires": max(NOTIFICATION_SWEEP_SECONDS - 5, 1)},
    },
}

# --- REST API ----------------------------------------------------------------------------------
API_THROTTLE_ANON = env_rate("API_THROTTLE_ANON", "60/min")
API_THROTTLE_USER = env_rate("API_THROTTLE_USER", "1200/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an unauthenticated call gets 401 with WWW-Authenticate, not 403.
        "accounts.backends.PreparedTokenAuthentication",  # DRF's TokenAuthentication
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Per client address (anonymous) and per user; fail open with a warning when the cache
    # (Redis) is down, so an outage of the cache never takes the API with it (core/throttles.py).
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.AnonRateThrottle",
                                 "core.throttles.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_THROTTLE_ANON, "user": API_THROTTLE_USER},
    # The client address for the anonymous rate: REMOTE_ADDR unless proxies are trusted (with
    # None, DRF would key on the whole X-Forwarded-For header, which the client writes).
    # The throttles key on the same client address as the login lockout (TRUSTED_PROXY_COUNT
    # above; DRF, like accounts.security.client_ip, takes the Nth X-Forwarded-For entry from
    # the right and ignores the header at 0).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One error body for every API error: {detail, code, errors?} (core/api.py).
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ITSM Portal API",
    "DESCRIPTION": "Tickets, SLA, assets, surveys and KPI for IT operations & maintenance teams.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs pages describe every endpoint: for people who can log in only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EscalationTargetEnum": "tickets.models.EscalationTarget",
        "QueueColumnEnum": "tickets.queue_columns.COLUMN_KEYS",
        "ResolutionCodeEnum": "tickets.models.ResolutionCode",
        "PendingReasonEnum": "tickets.models.PendingReason",
        "TicketStatusEnum": "tickets.models.Status",
        "TicketKindEnum": "tickets.models.Kind",
        "AssetStatusEnum": "assets.models.register.AssetStatus",
        "InspectionRoundStatusEnum": "assets.models.inspections.InspectionRound.Status",
        "InspectionRoundKindEnum": "assets.models.inspections.InspectionRound.Kind",
        "TicketChannelEnum": "tickets.models.Channel",
        "ComplaintChannelEnum": "surveys.models.complaints.Complaint.Channel",
        "TicketLinkKindEnum": "tickets.selectors.LINK_KIND_NAMES",
        # field service: vendor repairs and part requests (f16repair)
        "VendorRepairStatusEnum": "fieldservice.models.repairs.RepairStatus",
        "PartRequestStatusEnum": "fieldservice.models.parts.PartRequestStatus",
        # service reports (f16report)
        "SignerRoleEnum": "fieldservice.services.reports.ROLES",
        "RoleEnum": "accounts.roles.Role",  # keeps its name beside the signer role
        "ServiceReportStatusEnum": "fieldservice.models.reports.ReportStatus",
        "NoSignatureEnum": "fieldservice.models.reports.NoSignature",
        "ArticleStatusEnum": "knowledge.models.articles.ArticleStatus",  # articles (k18kb)
        # problems, changes, notices (issue 18, k18chg)
        "ChangeKindEnum": "knowledge.models.changes.Change.Kind",
        "ChangeStatusEnum": "knowledge.models.changes.Change.Status",
        "ProblemStatusEnum": "knowledge.models.problems.Problem.Status",
        "DecisionEnum": "knowledge.models.changes.Decision",
    },
}

# --- Security (production) ---------------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts and styles from our own static files, the few
# inline <script>/<style> blocks carry the request's nonce (request.csp_nonce); no inline event
# handlers or style attributes (static/js/itsm.js sets widths from data-width). img-src allows
# data: for Bootstrap's SVG icons; frame-ancestors replaces X-Frame-Options for modern browsers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = 0
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes and the scrape come over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$", r"^metrics$"]
    # Off by default (a domain-wide promise; itsm/settings/deploy.py says why).
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Logins, failures, lockouts, role changes, exports… (accounts.security).
        "itsm.security": {"level": "INFO"},
        # Its lines repeat itsm.security's.
        "axes": {"level": "WARNING"},
    },
}

# The demo logins are listed on the login page only when the demo data is loaded and this is on.
SHOW_DEMO_LOGINS = env_bool("SHOW_DEMO_LOGINS", DEBUG)
# Extra context for the login page, a callable(request) -> dict named by its dotted path: the demo
# logins. accounts must not import demo (the demo builds on every app), so the project wires it.
LOGIN_PAGE_CONTEXT = "demo.logins.login_page_context"

