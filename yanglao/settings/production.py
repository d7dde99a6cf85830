"""Production: every secret from the environment, secure cookies and headers, manifest static files.

``YANGLAO_SECRET_KEY``, ``YANGLAO_FIELD_KEY`` and ``YANGLAO_INDEX_KEY`` must be set; nothing is generated.
Behind nginx terminating TLS (docs/deployment.md).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from yanglao.core import keys

from .base import *  # noqa: F403
from .base import STORAGES, VAR_DIR, env_bool

if not os.environ.get("YANGLAO_SECRET_KEY"):
    raise ImproperlyConfigured("YANGLAO_SECRET_KEY must be set in production")
SECRET_KEY = os.environ["YANGLAO_SECRET_KEY"]
FIELD_ENCRYPTION_KEY, BLIND_INDEX_KEY = keys.field_keys(VAR_DIR, production=True)

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("YANGLAO_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("YANGLAO_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("YANGLAO_HSTS_PRELOAD", True)
WHITENOISE_USE_FINDERS = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
