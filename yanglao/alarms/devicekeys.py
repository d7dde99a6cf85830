"""Device keys: a random secret per device, shown once at registration and stored only as its SHA-256 (a
device key is long and random, so a plain hash is enough; a slow hash would cost every message)."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_key() -> str:
    return secrets.token_urlsafe(24)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str, stored_hash: str) -> bool:
    return bool(key) and hmac.compare_digest(key_hash(key), stored_hash)
