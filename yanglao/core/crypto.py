"""Personal data at rest: AES-256-GCM encryption and a keyed HMAC blind index (PIPL Art. 51).

Ciphertext is ``v1:`` + base64(nonce ‖ ciphertext ‖ tag). The blind index is HMAC-SHA256 under a separate key,
so an exact lookup or a de-duplication never needs decryption and the index alone reveals nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

PREFIX = "v1:"


@lru_cache(maxsize=4)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


class _NoncePool:
    """96-bit random nonces, drawn from the OS in blocks: one getrandom() per 1,000 encryptions instead of one
    each (an import encrypts millions of fields). Locked, so threads never share a nonce."""

    def __init__(self, block: int = 12_000):
        self.block, self.buffer, self.offset, self.lock = block, b"", 0, threading.Lock()

    def take(self) -> bytes:
        with self.lock:
            if self.offset >= len(self.buffer):
                self.buffer, self.offset = os.urandom(self.block), 0
            nonce = self.buffer[self.offset : self.offset + 12]
            self.offset += 12
            return nonce


_nonces = _NoncePool()


def encrypt(plaintext: str, *, key: bytes | None = None) -> str:
    nonce = _nonces.take()
    sealed = _cipher(key or settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, plaintext.encode(), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str, *, key: bytes | None = None) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(token[len(PREFIX) :])
    return _cipher(key or settings.FIELD_ENCRYPTION_KEY).decrypt(raw[:12], raw[12:], None).decode()


def blind_index(value: str, *, key: bytes | None = None) -> str:
    """HMAC-SHA256 truncated to 128 bits (32 hex characters): ample against collisions in any registry,
    and half the index size of the full digest."""
    return hmac.new(key or settings.BLIND_INDEX_KEY, value.encode(), hashlib.sha256).hexdigest()[:32]


def mask(value: str, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """Mask the middle of a phone, ID number or similar for display: 138****5678."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python code sees plaintext. Not searchable: pair with a blind index."""

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        return decrypt(value) if value else value  # None and "" pass through

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)
