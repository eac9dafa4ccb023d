"""Settings for the JIPP Replication Registry, read from the environment.

Every variable is listed in `.env.example`. Development defaults are safe only with
DEBUG on; with DEBUG off the portal refuses to start without a real SECRET_KEY and
ALLOWED_HOSTS.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent

_DEV_SECRET_KEY = "django-insecure-jipp-development-key-do-not-use-in-production"  # noqa: S105


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
# Rotating the key: the new one in SECRET_KEY, the old one here until sessions and
# password-reset links signed with it have expired (README, "Runbook").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Links in e-mail (invitations, reminders, digests) start with this.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

if not DEBUG:
    weak = len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5  # Django's own deploy check
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or weak:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of 50 characters or more when DEBUG is off."
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must name this site's hosts (no '*') when DEBUG is off."
        )
    if not SITE_URL.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            "SITE_URL must be the portal's public address (https://...) when DEBUG is off: "
            "e-mailed links start with it."
        )

INSTALLED_APPS = [
    "jipp",
    "innovations",
    "forums",
    "replication",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "bootstrap",
    "csp",
    "axes",
    "django_guid",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jipp.middleware.RequestIdMiddleware",  # before django-guid: it reads the header
    "django_guid.middleware.guid_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jipp.middleware.IdleSessionMiddleware",
    "jipp.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jipp.urls"
WSGI_APPLICATION = "jipp.wsgi.application"

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
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "jipp.context_processors.navigation",
            ],
        },
    },
]

# Database and Redis. `make run` / `make test` set both (the machine's servers or the
# embedded fallbacks, see jipp/devstack.py); these defaults are the local servers.
# Django's development server answers each request in a new thread and never closes that
# thread's connection: persistent ones pile up until PostgreSQL refuses everyone ("too many
# clients already"). Django's advice: none under runserver; production (gunicorn) keeps them.
RUNSERVER = sys.argv[1:2] == ["runserver"]
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jipp"),
        conn_max_age=0 if RUNSERVER else env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# A web request asks many small questions. PostgreSQL's parallel workers (started for each
# query whose estimate is large, 4 to 6 ms each on two cores) and JIT compilation (10 ms)
# cost more than such a query itself: measured on the dashboards at 500,000 plans, where
# fresh statistics turned a five-row read of a rollup into a parallel plan. Off for the
# portal's connections; DATABASE_SESSION_OPTIONS="" gives PostgreSQL's defaults back.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = env(
    "DATABASE_SESSION_OPTIONS", "-c max_parallel_workers_per_gather=0 -c jit=off"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": "jipp",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

AUTH_USER_MODEL = "jipp.User"
# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "work"  # each role's work page (DESIGN.md section 5)
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
# Reset requests per typed address and per address of origin (jipp.signin.PasswordResetView).
PASSWORD_RESET_RATE_PER_ADDRESS = env("PASSWORD_RESET_RATE_PER_ADDRESS", "5/h")
PASSWORD_RESET_RATE_PER_ORIGIN = env("PASSWORD_RESET_RATE_PER_ORIGIN", "20/h")

# Sign-in protection (django-axes): five failures of one username from one address lock
# that pair out for 30 minutes. The pair, not the username alone, so nobody can lock an
# officer out from elsewhere by typing their name; an admin unlocks early by deleting the
# access attempt in Django admin (or `manage.py axes_reset_username <name>`).
# Password spraying (many usernames from one address): 50 failures from one address lock
# the address, well above the pair's five so that an office behind one NAT address
# survives its typos (`manage.py axes_reset_ip <address>`). Axes compares the larger
# count with one limit: jipp.signin.failure_limit gives the pair's or the address's.
SIGNIN_PAIR_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
SIGNIN_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 50)
AXES_FAILURE_LIMIT = "jipp.signin.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# A success forgives the pair's own failures only (jipp.signin.forgive_own_failures): with
# axes' reset every success would also wipe the address's count of other names.
AXES_RESET_ON_SUCCESS = False
# Tries while locked out neither count nor extend the lockout: one person retrying their
# locked name must not lock their whole office's address.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "jipp.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "jipp.signin.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
INVITATION_MAX_AGE = 60 * 60 * 24 * 7  # an invitation link works for a week

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (evidence, exports): the local disk of one machine, or an S3-compatible
# store shared by several (MinIO, AWS, any S3 API), switched by FILE_STORAGE=s3 alone.
FILE_STORAGE = env("FILE_STORAGE", "local")
_S3_STORAGE = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": env("S3_BUCKET"),
        "endpoint_url": env("S3_ENDPOINT_URL") or None,
        "region_name": env("S3_REGION") or None,
        "access_key": env("S3_ACCESS_KEY_ID"),
        "secret_key": env("S3_SECRET_ACCESS_KEY"),
        "default_acl": "private",  # files leave only through views that check who asks
        "querystring_auth": True,
        "file_overwrite": False,
    },
}
STORAGES = {
    "default": _S3_STORAGE
    if FILE_STORAGE == "s3"
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# In development whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"

# E-mail: the console in development, SMTP (or Mailpit) in deployment.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "JIPP <no-reply@jipp.menpan.go.id>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Headers always; TLS redirect and HSTS when the environment says so.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
# Load balancers probe /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Sessions end after an hour without a request (jipp.middleware.IdleSessionMiddleware
# renews them at most every five minutes) and when the browser closes.
SESSION_COOKIE_AGE = 60 * env_int("SESSION_IDLE_MINUTES", 60)
IDLE_REFRESH_SECONDS = 300
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "jipp.errors.csrf_failure"  # in the visitor's language, with a way back
X_FRAME_OPTIONS = "DENY"

# Self only: no inline script or style, no eval (htmx is configured to need neither).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# The read-only open-data API (jipp/api_urls.py): JSON only (no browsable API, whose
# pages would need inline script), anonymous (no session, hence no CSRF), throttled per
# client address in the Redis cache. NUM_PROXIES: the address is the peer's unless a
# proxy we trust sets X-Forwarded-For, so a client cannot pick its own throttle key.
API_ANON_RATE = env("API_ANON_RATE", "120/min")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE},
    "NUM_PROXIES": 1 if env_bool("BEHIND_TLS_PROXY") else 0,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "JIPP Open Data API",
    "DESCRIPTION": (
        "Read-only open data of the JIPP Replication Registry: the public-service "
        "innovations approved by KemenPANRB. No personal data; no key needed; "
        f"anonymous clients are limited to {API_ANON_RATE.replace('/min', ' requests a minute')}."
    ),
    "VERSION": "1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from the drf-spectacular-sidecar package, served by us: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jipp.api_schema.add_error_responses",
    ],
}

# Celery: Redis carries "look now"; the database is the record (DESIGN.md section 4).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# With Redis down a publish gives up fast: the request still succeeds and the
# periodic sweep queues the row later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The outbox (jipp.tasks): how long a queued row may wait before the sweep queues it
# again, how long a claim may last, and the retry schedule in minutes.
NOTIFICATION_QUEUE_GRACE_SECONDS = 60
NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 600
NOTIFICATION_MAX_ATTEMPTS = 5
NOTIFICATION_BACKOFF_MINUTES = (1, 5, 30, 120)

# Exports of lists (innovations.exports): an XLSX of more rows than this is built by
# a worker and its link sent to the inbox. Downloads per minute, per address for
# anonymous visitors and per account for signed-in users (django-ratelimit).
EXPORT_SYNC_MAX_ROWS = 5000
EXPORT_KEEP_DAYS = 7
EXPORT_RATE_ANONYMOUS = env("EXPORT_RATE_ANONYMOUS", "10/m")
EXPORT_RATE_SIGNED_IN = "60/m"
# django-ratelimit counts in the default cache: Redis, whose INCR is atomic.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_CACHE_PREFIX = "rl:"
# Behind our TLS proxy every request comes from the proxy: count the address it saw.
RATELIMIT_IP_META_KEY = "jipp.exports.forwarded_address" if env_bool("BEHIND_TLS_PROXY") else None

# Logs: one line per record, with the request id of django-guid (the X-Request-ID header a
# proxy sets, or a new one; sent back in the response and carried into Celery tasks).
# LOG_FORMAT=json for a log collector, plain for people.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    # A proxy's id may be any short token, not only a UUID: jipp.middleware.RequestIdMiddleware
    # drops one that does not look like an id, and django-guid then makes a new one.
    "VALIDATE_GUID": False,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}
LOG_FORMAT = env("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {"correlation_id": "request_id", "levelname": "level"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django_guid": {"level": "WARNING"},  # not a line per request about the header
        "axes.apps": {"level": "WARNING"},  # not its banner at every start
    },
}

DEMO_PASSWORD = env("DEMO_PASSWORD", "jipp-demo-2020")
