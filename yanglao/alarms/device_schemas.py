"""Input and output shapes of devices and calls: the API validates with them and the bulk import validates
each row with ``DeviceIn`` too, so a cell and a JSON field are refused in the same words."""

from __future__ import annotations

import datetime as dt
import re

from ninja import Field, Schema
from pydantic import field_validator

from yanglao.alarms.choices import DeviceKind
from yanglao.core.schemas import InSchema, Omittable

# The serial is the MQTT topic's {device_id}: no "/", "+" or "#", no spaces.
SERIAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{2,39}$")
SERIAL_MESSAGE = "设备编号应为 3–40 位字母、数字或 _ . : -，以字母或数字开头"
# A manufacturer's key: printable ASCII without spaces, long enough not to be guessed.
KEY = re.compile(r"^[\x21-\x7e]{16,128}$")
KEY_MESSAGE = "设备密钥应为 16–128 位可见字符（字母、数字、符号，不含空格）"
HEARTBEAT_MIN, HEARTBEAT_MAX = 30, 86_400


def serial_clean(value: object) -> str:
    text = str(value or "").strip()
    if not SERIAL.fullmatch(text):
        raise ValueError(SERIAL_MESSAGE)
    return text


def key_clean(value: object) -> str:
    """An empty key means "generate one"; anything else must look like a real key (never quoted back)."""
    text = str(value or "").strip()
    if text and not KEY.fullmatch(text):
        raise ValueError(KEY_MESSAGE)
    return text


def installed_clean(value: dt.date | None) -> dt.date | None:
    if value is not None and value > dt.date.today() + dt.timedelta(days=1):  # one day of clock slack
        raise ValueError("安装日期不能晚于今天")
    return value


class DeviceDetails(InSchema):
    model_name: str = Field("", max_length=60)
    firmware: str = Field("", max_length=40)
    heartbeat_seconds: int = Field(300, ge=HEARTBEAT_MIN, le=HEARTBEAT_MAX)
    installed_on: dt.date | None = None
    note: str = Field("", max_length=300)

    @field_validator("installed_on")
    @classmethod
    def _installed(cls, value):
        return installed_clean(value)


class DeviceIn(DeviceDetails):
    """Register a device for a person: a generated key is shown once in the answer; a manufacturer's key
    (``key``) is taken and never shown again."""

    elder_id: int
    kind: DeviceKind
    serial: str
    key: str = ""
    provider_id: int | None = None

    @field_validator("serial", mode="before")
    @classmethod
    def _serial(cls, value):
        return serial_clean(value)

    @field_validator("key", mode="before")
    @classmethod
    def _key(cls, value):
        return key_clean(value)


class DevicePatch(InSchema):
    model_name: str = Omittable(max_length=60)
    firmware: str = Omittable(max_length=40)
    heartbeat_seconds: int = Omittable(ge=HEARTBEAT_MIN, le=HEARTBEAT_MAX)
    installed_on: dt.date | None = None
    provider_id: int | None = None
    note: str = Omittable(max_length=300)

    @field_validator("installed_on")
    @classmethod
    def _installed(cls, value):
        return installed_clean(value)


class DeviceReplaceIn(DeviceDetails):
    """The new device that takes over; its kind defaults to the old one's."""

    serial: str
    kind: DeviceKind | None = None
    key: str = ""

    @field_validator("serial", mode="before")
    @classmethod
    def _serial(cls, value):
        return serial_clean(value)

    @field_validator("key", mode="before")
    @classmethod
    def _key(cls, value):
        return key_clean(value)


class DeviceNoteIn(InSchema):
    note: str = Field("", max_length=300)


class KeyIn(InSchema):
    key: str = ""

    @field_validator("key", mode="before")
    @classmethod
    def _key(cls, value):
        return key_clean(value)


class DeviceOut(Schema):
    id: int
    serial: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    elder_id: int
    elder_name: str
    region_code: str
    provider_id: int | None
    model_name: str
    firmware: str
    battery: int | None
    heartbeat_seconds: int
    installed_on: dt.date | None
    last_seen_at: dt.datetime | None
    online: bool
    replaced_by_id: int | None
    created_at: dt.datetime


class RegisteredOut(DeviceOut):
    key: str = Field("", description="the generated key, in this answer only; empty when a key was given")


class IncomingCallIn(InSchema):
    """The telephony system's screen-pop request: idempotent on ``call_id``."""

    call_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")
    caller: str = Field(..., min_length=3, max_length=30)
    operator: str = Field(..., min_length=1, max_length=150)
    at: dt.datetime | None = None


class CallTimeIn(InSchema):
    at: dt.datetime | None = None


class CandidateOut(Schema):
    elder_id: int
    name: str
    gender: str
    age: int
    community: str
    via: str = Field(description="本人 or the contact's relation")
    contact_name: str = ""
    url: str


class CallOut(Schema):
    id: int
    call_id: str
    direction: str
    number: str = Field(description="masked")
    elder_id: int | None
    operator: str
    state: str
    state_label: str
    ringing_at: dt.datetime
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    abandoned: bool
    wait_seconds: int | None
    talk_seconds: int | None
    alarm_id: int | None
    url: str
    headline: str = Field("", description="来电：王秀英（女儿 李娟）; in the pop-up's answers only")
    alarm_action: str = ""
    candidates: list[CandidateOut] = []
