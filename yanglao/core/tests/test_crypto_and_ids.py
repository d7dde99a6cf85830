"""Field encryption, blind index, masking and keys; GB 11643 ID construction."""

import base64
import datetime as dt

import pytest
from cryptography.exceptions import InvalidTag

from yanglao.core import crypto, idcard, keys


def test_encrypt_round_trip_is_randomised_and_authenticated():
    key = b"k" * 32
    a, b = crypto.encrypt("310104194501012345", key=key), crypto.encrypt("310104194501012345", key=key)
    assert a != b and a.startswith("v1:")
    assert crypto.decrypt(a, key=key) == "310104194501012345"
    with pytest.raises(InvalidTag):
        crypto.decrypt(a, key=b"x" * 32)


def test_blind_index_is_keyed_and_stable():
    assert crypto.blind_index("abc", key=b"1" * 32) == crypto.blind_index("abc", key=b"1" * 32)
    assert crypto.blind_index("abc", key=b"1" * 32) != crypto.blind_index("abc", key=b"2" * 32)


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "138****5678"), ("021-64381234", "021*****1234"), ("123", "***"), ("", "")],
)
def test_mask(value, masked):
    assert crypto.mask(value) == masked


def test_production_refuses_to_start_without_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("YANGLAO_FIELD_KEY", raising=False)
    monkeypatch.delenv("YANGLAO_INDEX_KEY", raising=False)
    with pytest.raises(keys.MissingKeyError):
        keys.field_keys(tmp_path, production=True)
    first = keys.field_keys(tmp_path, production=False)
    assert first == keys.field_keys(tmp_path, production=False)  # kept under var/
    monkeypatch.setenv("YANGLAO_FIELD_KEY", base64.b64encode(b"f" * 32).decode())
    monkeypatch.setenv("YANGLAO_INDEX_KEY", base64.b64encode(b"short").decode())
    with pytest.raises(keys.MissingKeyError, match="32 bytes"):
        keys.field_keys(tmp_path, production=True)


def test_idcard_make_and_check():
    number = idcard.make("310104", dt.date(1945, 1, 1), 123)
    assert number[:14] == "31010419450101" and len(number) == 18
    assert idcard.check_character(number[:17]) == number[-1]
    assert idcard.birth_date(number) == dt.date(1945, 1, 1) and idcard.is_male(number)
    assert idcard.check_character("11010519491231002") == "X"  # the published GB 11643 example
