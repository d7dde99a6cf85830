"""Secrets for Django and for personal-data protection.

Production reads them from the environment and refuses to start without them. The embedded demo generates
its own once and keeps them under ``var/`` so that a restart can still decrypt what it stored.
"""

import base64
import json
import os
import secrets
from pathlib import Path


class MissingKeyError(RuntimeError):
    pass


def development_secret(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _decode(name: str, value: str) -> bytes:
    raw = base64.b64decode(value)
    if len(raw) != 32:
        raise MissingKeyError(f"{name} must be 32 bytes, base64-encoded (got {len(raw)} bytes)")
    return raw


def field_keys(var_dir: Path, *, production: bool) -> tuple[bytes, bytes]:
    """Return (encryption key, blind-index key), each 32 bytes and independent of SECRET_KEY."""
    field, index = os.environ.get("YANGLAO_FIELD_KEY"), os.environ.get("YANGLAO_INDEX_KEY")
    if field and index:
        return _decode("YANGLAO_FIELD_KEY", field), _decode("YANGLAO_INDEX_KEY", index)
    if production:
        raise MissingKeyError("YANGLAO_FIELD_KEY and YANGLAO_INDEX_KEY must be set in production")
    path = var_dir / "keys.json"
    if not path.exists():
        path.write_text(
            json.dumps(
                {
                    "field": base64.b64encode(secrets.token_bytes(32)).decode(),
                    "index": base64.b64encode(secrets.token_bytes(32)).decode(),
                }
            )
        )
        path.chmod(0o600)
    stored = json.loads(path.read_text())
    return _decode("field", stored["field"]), _decode("index", stored["index"])
