"""Test settings: fast hashing, jobs run inline, the same database engine as DATABASE_URL says."""

from .base import *  # noqa: F403
from .base import HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
AXES_ENABLED = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
