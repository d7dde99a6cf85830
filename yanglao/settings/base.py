"""Settings shared by every deployment, read from the environment.

The defaults give the embedded set-up: a SQLite file under ``var/``, SqliteHuey, no Redis or MQTT. Each real
service is switched on by its URL. Keys for field encryption and the blind index come from the environment;
only the development default generates its own and keeps them under ``var/``.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from yanglao.core import keys

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("YANGLAO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("YANGLAO_DEBUG", False)
SECRET_KEY = os.environ.get("YANGLAO_SECRET_KEY") or keys.development_secret(VAR_DIR)
ALLOWED_HOSTS = env_list("YANGLAO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
# Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed; empty: nobody's.
YANGLAO_TRUSTED_PROXIES = env_list("YANGLAO_TRUSTED_PROXIES", "")
CSRF_TRUSTED_ORIGINS = env_list("YANGLAO_CSRF_TRUSTED_ORIGINS", "")

# Field encryption (AES-256-GCM) and the keyed HMAC blind index: never derived from SECRET_KEY.
FIELD_ENCRYPTION_KEY, BLIND_INDEX_KEY = keys.field_keys(VAR_DIR, production=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "auditlog",
    "axes",
    "django_tasks",
    "huey.contrib.djhuey",
    "yanglao.core",
    "yanglao.people",
    "yanglao.assessment",
    "yanglao.facilities",
    "yanglao.services",
    "yanglao.alarms",
    "yanglao.benefits",
    "yanglao.ltc",
    "yanglao.dashboard",
]

MIDDLEWARE = [
    "yanglao.core.middleware.ClientAddressMiddleware",  # first: everything after sees the real client
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yanglao.core.middleware.NoStoreMiddleware",  # after WhiteNoise: static files keep their cache
    "yanglao.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "yanglao.core.middleware.DomainErrorMiddleware",  # last: it answers the views' uncaught refusals
]

ROOT_URLCONF = "yanglao.urls"
WSGI_APPLICATION = "yanglao.wsgi.application"
ASGI_APPLICATION = "yanglao.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "yanglao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yanglao.core.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yanglao.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock up front so two
    # writers wait for each other instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "yanglao.core.permissions.PermissionBackend",  # ModelBackend with one query for both permission sets
]
AUTH_PASSWORD_VALIDATORS = [
    # Django's rules, wrapped to answer in Chinese whatever language is active (yanglao/core/passwords.py).
    {"NAME": "yanglao.core.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "yanglao.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "yanglao.core.passwords.CommonPasswordValidator"},
    {"NAME": "yanglao.core.passwords.NumericPasswordValidator"},
    {"NAME": "yanglao.core.passwords.CharacterClassValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Idle expiry: the cookie is renewed on every request and dies after this many idle seconds.
SESSION_COOKIE_AGE = int(os.environ.get("YANGLAO_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Lock-out after repeated failures (django-axes): per user name and address.
AXES_FAILURE_LIMIT = int(os.environ.get("YANGLAO_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("YANGLAO_LOGIN_COOLOFF_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yanglao.core.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "yanglao.core.middleware.client_ip"  # X-Forwarded-For only from trusted proxies
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

REDIS_URL = os.environ.get("REDIS_URL", "")
MQTT_URL = os.environ.get("MQTT_URL", "")

# Map tiles: empty means our own region boundaries only (nothing is fetched from the internet).
MAP_TILE_URL = os.environ.get("YANGLAO_MAP_TILE_URL", "")


def _tile_origin(url: str) -> str:
    """The tile server's origin for img-src: ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` →
    ``https://*.tile.example.org``; empty when no (usable) tile URL is configured."""
    parts = urlsplit(url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc or "{" in parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


# Content-Security-Policy (django-csp): no inline or foreign script at all, so an injected name or field can
# never run (issue 9, 1.4). Pages attach behaviour through data attributes in static/js/yanglao.js. Styles
# keep 'unsafe-inline' for the maps' <style> blocks, style attributes and htmx's indicator style; images
# allow data: (Leaflet) and the configured tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", *filter(None, [_tile_origin(MAP_TILE_URL)])],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Short-lived caches (counts on list pages): per process by default, shared through Redis when configured.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "yanglao"}}

# Background jobs: the django-tasks API on huey. SqliteHuey keeps its queue in its own file so it never
# contends with the application database's write lock; Redis when REDIS_URL is set.
if REDIS_URL:
    HUEY = {"huey_class": "huey.PriorityRedisHuey", "name": "yanglao", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "yanglao",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
TASKS = {"default": {"BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend"}}

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_USE_BASE_MANAGER = True  # diffs read the old row through the plain manager, not a user scope
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Masked fields in audit entries look exactly as on the pages (core.masking), never half-masked.
AUDITLOG_MASK_CALLABLE = "yanglao.core.masking.mask_value"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YANGLAO_LOG_LEVEL", "INFO")},
    # huey's consumer installs its own handler; do not print its lines twice through the root logger.
    "loggers": {"axes": {"level": "WARNING"}, "huey": {"propagate": False}},
}

# An operator's road network (GeoJSON lines, WGS-84) for walking-distance coverage; empty: straight lines only.
ROAD_NETWORK_FILE = os.environ.get("YANGLAO_ROAD_NETWORK", "")
# Whose street outlines the public map draws (the deployment's district or city).
MAP_BOUNDARY_REGION = os.environ.get("YANGLAO_MAP_REGION", "310104000000")

# The registry (people): youngest age that may be registered; where uploads and error reports are kept.
REGISTRY_MIN_AGE = int(os.environ.get("YANGLAO_REGISTRY_MIN_AGE", 60))
IMPORT_DIR = VAR_DIR / "imports"
# Uploaded import files and their error reports hold personal data in clear: owner-only, a dry run's file is
# deleted when it ends, a real import's after this many days (0: when it ends).
IMPORT_RETENTION_DAYS = float(os.environ.get("YANGLAO_IMPORT_RETENTION_DAYS", 7))
# The largest file the import page accepts (a city's registry as CSV is about 150 MB per million people).
IMPORT_MAX_BYTES = int(float(os.environ.get("YANGLAO_IMPORT_MAX_MB", 200)) * 1024 * 1024)
# Uploads up to this size have their headers checked on the page (a refusal shows on the form); larger ones
# are read once, by the job, whose page shows the reason.
IMPORT_PRECHECK_BYTES = 5 * 1024 * 1024

# Assessments: an approved result is valid this many months (configurable per deployment).
ASSESSMENT_VALID_MONTHS = int(os.environ.get("YANGLAO_ASSESSMENT_VALID_MONTHS", 12))
