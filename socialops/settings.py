"""Django settings, read from the environment (see docs/configuration.md)."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

import bootstrap_wrapper
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from socialops.config import data_dir, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()


def _secret_key() -> str:
    """Return SOCIALOPS_DJANGO_SECRET, or a key kept in the data directory."""
    configured = env_str("SOCIALOPS_DJANGO_SECRET")
    if configured:
        return configured
    path = DATA_DIR / "django-secret.txt"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _database(url: str) -> dict[str, object]:
    """Translate SOCIALOPS_DATABASE_URL into a Django DATABASES entry."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SOCIALOPS_SQLITE_PATH") or str(DATA_DIR / "socialops.sqlite3"),
            # A file, not memory, so that a test can start a real worker on it.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"SOCIALOPS_DATABASE_URL must start with postgresql:// (got {parsed.scheme!r})."
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": env_int("SOCIALOPS_DB_CONN_MAX_AGE", 60, minimum=0),
        "TEST": {"NAME": env_str("SOCIALOPS_TEST_DATABASE_NAME") or None},
    }


SECRET_KEY = _secret_key()
DEBUG = env_bool("SOCIALOPS_DEBUG", False)
ALLOWED_HOSTS = env_list("SOCIALOPS_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SOCIALOPS_CSRF_TRUSTED_ORIGINS", [])
# The site is served over HTTPS only: send HSTS (socialops.core.middleware) and secure cookies.
SOCIALOPS_HTTPS = env_bool("SOCIALOPS_HTTPS", False)
SECURE_COOKIES = env_bool("SOCIALOPS_SECURE_COOKIES", SOCIALOPS_HTTPS)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_celery_beat",
    # Two-factor sign-in (TOTP devices); see socialops/core/twofactor.py.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "socialops.core",
    "socialops.governance",
    "socialops.publishing",
    "socialops.inbox",
    "socialops.listening",
    "socialops.crisis",
    "socialops.analytics",
    "socialops.team",
    "socialops.requests",
    "socialops.sso",
    "socialops.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "socialops.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "socialops.core.middleware.CurrentOrganizationMiddleware",
]

ROOT_URLCONF = "socialops.urls"
WSGI_APPLICATION = "socialops.wsgi.application"

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
                "socialops.web.context.navigation",
            ],
        },
    },
]

DATABASES = {"default": _database(env_str("SOCIALOPS_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's backend, loading each user's session fence (sign out everywhere) with them.
AUTHENTICATION_BACKENDS = ["socialops.core.backends.SessionFenceBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "socialops_language"
TIME_ZONE = env_str("SOCIALOPS_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Publishing uploads: refuse files above this size, and images above this many pixels
# (a decompression bomb is small on disk and enormous once decoded).
SOCIALOPS_MEDIA_MAX_UPLOAD_MB = env_int("SOCIALOPS_MEDIA_MAX_UPLOAD_MB", 20, minimum=1)
SOCIALOPS_MEDIA_MAX_PIXELS = env_int("SOCIALOPS_MEDIA_MAX_PIXELS", 50_000_000, minimum=1_000_000)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Bootstrap comes from a PyPI package and is served by the app itself (no CDN).
_BOOTSTRAP_DIR = Path(bootstrap_wrapper.__file__).parent.parent / "bootstrap"
STATICFILES_DIRS = [("bootstrap", str(_BOOTSTRAP_DIR))]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str(
    "SOCIALOPS_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env_str("SOCIALOPS_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SOCIALOPS_EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("SOCIALOPS_EMAIL_FROM", "socialops@localhost")

# Channel credentials: MultiFernet keys, newest first (comma-separated), or a key file.
SOCIALOPS_SECRET_KEYS = env_list("SOCIALOPS_SECRET_KEYS", [])
SOCIALOPS_KEY_FILE = DATA_DIR / "fernet.keys"
# A channel credential not rotated for this long shows on "channels at risk".
SOCIALOPS_CREDENTIAL_MAX_AGE_DAYS = env_int("SOCIALOPS_CREDENTIAL_MAX_AGE_DAYS", 90, minimum=1)
# Failed sign-ins per e-mail address and IP before a lock of this many minutes.
SOCIALOPS_LOGIN_MAX_FAILURES = env_int("SOCIALOPS_LOGIN_MAX_FAILURES", 5, minimum=1)
SOCIALOPS_LOGIN_LOCK_MINUTES = env_int("SOCIALOPS_LOGIN_LOCK_MINUTES", 15, minimum=1)
# Two-factor codes: the issuer shown in authenticator apps; wrong codes are throttled by
# the same lock as passwords (socialops.core.throttle), so django-otp's own delay is off.
OTP_TOTP_ISSUER = env_str("SOCIALOPS_OTP_ISSUER", "socialops")
OTP_TOTP_THROTTLE_FACTOR = 0

# The local sandbox network; channels whose transport is "sandbox" talk to it.
SOCIALOPS_SANDBOX_URL = env_str("SOCIALOPS_SANDBOX_URL", "http://127.0.0.1:8765")
SOCIALOPS_SANDBOX_ADMIN_KEY = env_str("SOCIALOPS_SANDBOX_ADMIN_KEY", "sandbox-admin")

# Inbox triage: the dotted path of the Classifier implementation.
SOCIALOPS_INBOX_CLASSIFIER = env_str(
    "SOCIALOPS_INBOX_CLASSIFIER", "socialops.inbox.triage.default.DefaultClassifier"
)
# The address people open socialops at, for links in e-mails (e.g. https://social.example.com).
SOCIALOPS_BASE_URL = env_str("SOCIALOPS_BASE_URL", "").rstrip("/")
# Single sign-on: let identity providers live on private or loopback addresses (tests, a
# company IdP on the internal network). Off: the providers must be public, like networks.
SOCIALOPS_OIDC_ALLOW_PRIVATE = env_bool("SOCIALOPS_OIDC_ALLOW_PRIVATE", False)

# API requests each member (token or session) may make per minute; 429 beyond.
SOCIALOPS_API_RATE_PER_MINUTE = env_int("SOCIALOPS_API_RATE_PER_MINUTE", 600, minimum=1)
# A shared cache (redis://…) makes that limit hold across web processes (distributed mode).
_CACHE_URL = env_str("SOCIALOPS_CACHE_URL")
if _CACHE_URL and not _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"SOCIALOPS_CACHE_URL must be a redis:// URL (got {_CACHE_URL!r}).")
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"})}

# The OAuth applications socialops is registered as at each network, for connect-a-channel
# and token refresh: SOCIALOPS_OAUTH_<NETWORK>_CLIENT_ID and _CLIENT_SECRET (or _FILE).
SOCIALOPS_OAUTH_CLIENTS = {
    network: {"client_id": env_str(f"SOCIALOPS_OAUTH_{network.upper()}_CLIENT_ID"),
              "client_secret": env_str(f"SOCIALOPS_OAUTH_{network.upper()}_CLIENT_SECRET")}
    for network in ("x", "linkedin", "facebook", "instagram", "tiktok", "youtube")
    if env_str(f"SOCIALOPS_OAUTH_{network.upper()}_CLIENT_ID")
}
# Facebook Login for Business: the login configuration Meta shows instead of a permission list.
for _network in ("facebook", "instagram"):
    _config_id = env_str(f"SOCIALOPS_OAUTH_{_network.upper()}_CONFIG_ID")
    if _config_id and _network in SOCIALOPS_OAUTH_CLIENTS:
        SOCIALOPS_OAUTH_CLIENTS[_network]["config_id"] = _config_id
# Meta webhooks (socialops.inbox.webhooks): the app secret that signs notifications and the
# verify token of the subscription handshake (or _FILE).
SOCIALOPS_META_APP_SECRET = env_str("SOCIALOPS_META_APP_SECRET")
SOCIALOPS_META_VERIFY_TOKEN = env_str("SOCIALOPS_META_VERIFY_TOKEN")
# Refresh access tokens this long before they expire; warn administrators this many days
# before a network retires the API version a connector speaks.
SOCIALOPS_TOKEN_REFRESH_AHEAD_HOURS = env_int("SOCIALOPS_TOKEN_REFRESH_AHEAD_HOURS", 24, minimum=1)
SOCIALOPS_API_RETIREMENT_WARNING_DAYS = env_int("SOCIALOPS_API_RETIREMENT_WARNING_DAYS", 60,
                                                minimum=1)

# Celery: the filesystem broker under the data directory unless a broker URL is given.
_BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL = env_str("SOCIALOPS_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("queue", "processed", "control"):
        (_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("SOCIALOPS_TASKS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "sync-channels": {
        "task": "socialops.governance.tasks.sync_all_channels",
        "schedule": env_int("SOCIALOPS_CHANNEL_SYNC_SECONDS", 60, minimum=5),
    },
    # Remind owners of credentials to rotate, at most once a week each.
    "remind-rotations": {
        "task": "socialops.governance.tasks.remind_rotations",
        "schedule": 6 * 3600.0,
        "options": {"expires": 3600},
    },
    # Refresh OAuth access tokens before they expire (socialops.governance.tokens).
    "refresh-tokens": {
        "task": "socialops.governance.tasks.refresh_expiring_tokens",
        "schedule": 900.0,
        "options": {"expires": 840},
    },
    # docs/adr/0002: the dispatcher claims due publications every second; a run that
    # waited in the queue longer than that is dropped, the next one does its work.
    "publishing-dispatch": {
        "task": "socialops.publishing.tasks.dispatch_due",
        "schedule": 1.0,
        "options": {"expires": 5},
    },
    # Approvals older than their policy allows go back to review.
    "publishing-expire-approvals": {
        "task": "socialops.publishing.tasks.expire_approvals",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    # The inbox: page the person on call when conversations miss their response target.
    "inbox-page-breaches": {
        "task": "socialops.inbox.tasks.page_response_breaches",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    # The inbox: hand waiting conversations out by round robin, and take back those of
    # people whose time off began (socialops.inbox.services.assignment).
    "inbox-assign-waiting": {
        "task": "socialops.inbox.tasks.assign_waiting_conversations",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The inbox: queue a poll of every channel that is due (socialops.inbox.services.polling).
    "poll-inboxes": {
        "task": "socialops.inbox.tasks.poll_inboxes",
        "schedule": env_int("SOCIALOPS_INBOX_POLL_SECONDS", 30, minimum=2),
        "options": {"expires": 30},
    },
    # Listening (socialops.listening.tasks): collect every query, then run the detector.
    "listening-collect": {
        "task": "socialops.listening.tasks.collect_all",
        "schedule": env_int("SOCIALOPS_LISTENING_POLL_SECONDS", 60, minimum=5),
        "options": {"expires": 60},
    },
    "listening-purge": {
        "task": "socialops.listening.tasks.purge_expired",
        "schedule": 3600.0,
    },
    # Analytics: collect channel and post metrics of the channels that are due (hourly each,
    # with back-off; socialops.analytics.collection).
    "analytics-collect-metrics": {
        "task": "socialops.analytics.tasks.collect_due_metrics",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    # On-call paging (socialops.team.pager): escalate unacknowledged pages to the backup,
    # then the manager; rows are claimed with locks, so overlapping runs page nobody twice.
    "team-escalate-pages": {
        "task": "socialops.team.tasks.escalate_pages",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "analytics-run-due-reports": {
        "task": "socialops.analytics.tasks.run_due_reports",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
}

# Listening: how long mentions and 5-minute buckets are kept, and the alert cool-down.
SOCIALOPS_LISTENING_RETENTION_DAYS = env_int("SOCIALOPS_LISTENING_RETENTION_DAYS", 90, minimum=9)
SOCIALOPS_LISTENING_ALERT_COOLDOWN_MINUTES = env_int(
    "SOCIALOPS_LISTENING_ALERT_COOLDOWN_MINUTES", 360, minimum=5)
# Alert webhooks go to public addresses only, unless this is set (tests, closed labs).
SOCIALOPS_WEBHOOKS_ALLOW_PRIVATE = env_bool("SOCIALOPS_WEBHOOKS_ALLOW_PRIVATE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SOCIALOPS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # One line per outbound request is noise at INFO; failures are logged by callers.
        "httpx": {"level": "WARNING"},
    },
}
