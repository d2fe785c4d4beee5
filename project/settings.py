"""Settings of the demo news site, configured by environment variables.

``DATABASE_URL`` (default: an SQLite file) and ``REDIS_URL`` (default: the embedded Redis
that ``manage.py demo`` starts) select the real services; ``DJANGO_DEBUG=0``, ``SECRET_KEY``
and ``ALLOWED_HOSTS`` configure a production deployment, which then passes
``manage.py check --deploy``. Production is the default: a development checkout opts in with
``DJANGO_DEBUG=1`` (``make demo`` does), which also makes a local key in var/.
docs/deployment.md lists every variable.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _


def env_flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local state of the demo: SQLite files, the embedded Redis socket
VAR_DIR.mkdir(exist_ok=True)


def local_secret_key() -> str:
    """The key of a development checkout: made once, kept in var/, never shared."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(get_random_secret_key())
    return path.read_text().strip()


# Production unless the environment opts in to development with DJANGO_DEBUG=1.
DEBUG = env_flag("DJANGO_DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY") or (local_secret_key() if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "Set the SECRET_KEY environment variable (or DJANGO_DEBUG=1 for local development)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if not DEBUG:
    # HTTPS only. Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER to the
    # header it sets (e.g. X-Forwarded-Proto) so that Django knows the request was secure.
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=True)
    if os.environ.get("SECURE_PROXY_SSL_HEADER"):
        header = os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_")
        SECURE_PROXY_SSL_HEADER = (f"HTTP_{header}", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preloading cannot be undone quickly: an owner asks for it on purpose.
    SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Checks the owner has turned off on purpose (e.g. "security.W008" when the proxy redirects);
    # the one asking for preloading stays quiet until the owner chooses it.
    SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")

INSTALLED_APPS = [
    "moderation",  # before the admin: its admin/index.html adds the queue badge
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "project.articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
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

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if os.environ.get("DATABASE_TRANSACTION_POOLING") == "1":
    # Behind PgBouncer in transaction mode (docs/deployment.md, "Scaling out"): a cursor may
    # not outlive its transaction, and the pooler, not Django, keeps the connections.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a Celery worker in another process sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "it")
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "redazione@example.org")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery: Redis broker, JSON only, a message is acknowledged after its task ran, so a
# worker killed mid-task leaves it to be delivered again.
REDIS_URL = os.environ.get("REDIS_URL", f"redis+socket://{VAR_DIR / 'redis.sock'}")
CELERY_BROKER_URL = REDIS_URL
# The cache holds the API's throttle counts: on Redis (a database of its own, apart from the
# broker's) every web process counts together. Without CACHE_URL, each process has its own.
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A reader's request must not wait for a dead broker: fail fast, the sweeper re-enqueues.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 300,
    "socket_connect_timeout": 1,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "moderation")
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(VAR_DIR / "celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-comments": {"task": "moderation.tasks.sweep_pending", "schedule": 15.0},
    "send-held-digest": {"task": "moderation.tasks.send_held_digest", "schedule": 60.0},
    "erase-old-ips": {"task": "moderation.tasks.erase_expired_personal_data", "schedule": 3600.0},
    # Does nothing unless MODERATION["AUTO_RETRAIN"] is True (docs/retraining.md).
    "retrain-classifiers": {
        "task": "moderation.tasks.retrain_classifiers",
        "schedule": crontab(minute=0, hour=3, day_of_week="sunday"),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: an unauthenticated request is told so with a 401 and WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_RATES": {"moderation.comments": "10/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Comments API",
    "DESCRIPTION": "Readers' comments, published after spam and toxicity checks, "
    "and the moderators' queue.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CommentStatusEnum": "moderation.models.Status",
        "PublicStatusEnum": "moderation.api.serializers.PUBLIC_STATUS_CHOICES",
    },
}

MODERATION = {
    "MODEL_DIR": os.environ.get("MODERATION_MODEL_DIR") or None,
    "MODEL_STORE_DIR": VAR_DIR / "models",
    # How often workers ask the registry which model version is active (seconds).
    "MODEL_REFRESH_SECONDS": float(os.environ.get("MODERATION_MODEL_REFRESH_SECONDS", "60")),
    "PRIVACY_URL": "/privacy/",
    # The public address of the site: the links in readers' emails are made absolute with it.
    "SITE_URL": os.environ.get("MODERATION_SITE_URL", ""),
    "NOTIFY_EMAILS": env_list("MODERATION_NOTIFY_EMAILS", "moderatori@example.org"),
    # The reverse proxies in front of the site (addresses or CIDR ranges, comma-separated):
    # only their X-Forwarded-For is believed when recording a commenter's IP address.
    "TRUSTED_PROXIES": env_list("TRUSTED_PROXIES"),
    "API_TARGET_MODELS": ["articles.article"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"moderation": {"handlers": ["console"], "level": "INFO"}},
}
