"""Bulk registration of devices (批量登记智能设备) on core's import pipeline (``/imports/new/devices/``).

One row per device: 设备编号, 设备类型 (the Chinese label or the code), 老人公民身份号码 (matched by its
blind index among the people the importer may see, as the registry matches its own rows), and optionally
the manufacturer's 设备密钥, 型号, 固件版本, 安装日期, 心跳间隔（秒）. Each good row is validated with the
API's ``DeviceIn`` and registered through ``device_register`` in its own savepoint; every bad row is
reported with its row number and a Chinese reason that never quotes an ID number or a key.

Secrets: the ID and key columns are masked in the error workbook for everyone, whatever their rights
(``Column.secret``: the clerk has the file they uploaded); the upload itself holds both in clear, so the
importer asks core to delete it when the job ends (``keep_upload=False``) instead of keeping it for the
retention period. Reasons never quote either. A row
without a key registers the device with a random key nobody is shown: the key is issued on the device's page
("更换密钥") when it is installed, where it is shown once.

Upsert key: 设备编号. A serial already registered to the same person with the same kind is "unchanged" (so a
re-run after an interruption finishes the job); registered to anyone else it is refused.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from yanglao.alarms.choices import DeviceKind
from yanglao.alarms.device_schemas import DeviceIn
from yanglao.alarms.models import Device
from yanglao.alarms.services import devices as device_services
from yanglao.core import importing, masking
from yanglao.core.crypto import blind_index
from yanglao.core.errors import DomainError
from yanglao.core.importing import Column
from yanglao.core.reading import cell_text
from yanglao.people import dates
from yanglao.people.identity import IdentityError, normalise_id
from yanglao.people.models import Elder


def _mask_key(value: str) -> str:
    return "********" if value else ""


DECLARED = (
    Column("serial", "设备编号", ("设备号", "设备序列号", "序列号"), required=True),
    Column("kind", "设备类型", ("类型",), required=True),
    Column(
        "id_number",
        "老人公民身份号码",
        ("公民身份号码", "身份证号码", "身份证号"),
        required=True,
        mask=masking.mask_id,
        secret=True,
    ),
    Column("key", "设备密钥", ("密钥",), mask=_mask_key, secret=True),
    Column("model_name", "型号", ("设备型号",)),
    Column("firmware", "固件版本", ("固件",)),
    Column("installed_on", "安装日期", ()),
    Column("heartbeat_seconds", "心跳间隔（秒）", ("心跳间隔",)),
)
FIELD_OF = {c.header: c.name for c in DECLARED}
HEADER_OF = {c.name: c.header for c in DECLARED} | {"elder_id": "老人公民身份号码"}
KIND_BY_LABEL = {label: value for value, label in DeviceKind.choices} | {
    "一键呼": "one_key",
    "一键呼叫器": "one_key",
    "手环": "wristband",
    "智能腕表": "wristband",
    "跌倒报警器": "fall_detector",
    "烟感": "smoke",
    "烟雾报警器": "smoke",
    "燃气报警": "gas",
    "可燃气体报警器": "gas",
    "水浸": "water",
    "门磁感应器": "door",
    "人体感应器": "motion",
    "床垫感应器": "motion",
}
ID_NOT_READABLE = "公民身份号码格式不正确或校验位错误，请核对"
DIGITS = re.compile(r"\d{6,}")


def _id_problem(exc: IdentityError) -> str:
    """The registry's reason without any digits of the number (a mistyped number is still personal data)."""
    text = str(exc)
    return ID_NOT_READABLE if DIGITS.search(text) or "“" in text else text


def _start(run: importing.ImportRun) -> None:
    run.state["seen"] = set()  # serials kept so far in this file (a dry run writes nothing to look up)


def _validate(run: importing.ImportRun, cells: dict[str, object]) -> tuple[dict | None, importing.Problems]:
    """Template words → field values; the person by ID number; then the API's DeviceIn."""
    raw = {FIELD_OF[h]: v for h, v in cells.items()}
    text = {name: cell_text(value) for name, value in raw.items()}
    kind_text = text.get("kind", "")
    kind = KIND_BY_LABEL.get(kind_text) or (kind_text if kind_text in DeviceKind.values else None)
    if kind is None:
        shown = kind_text[:20] or "（空）"
        return None, [("设备类型", f"“{shown}”不是设备类型；可填：{'、'.join(DeviceKind.labels)}")]
    try:
        number = normalise_id(raw.get("id_number"), today=run.state.setdefault("today", timezone.localdate()))
    except IdentityError as exc:
        return None, [("老人公民身份号码", _id_problem(exc))]
    values: dict[str, object] = {"kind": kind, "serial": text.get("serial", ""), "key": text.get("key", "")}
    for name in ("model_name", "firmware", "heartbeat_seconds"):
        if text.get(name):
            values[name] = text[name]
    if text.get("installed_on"):
        try:
            values["installed_on"] = dates.parse_date(raw["installed_on"])
        except ValueError as exc:
            return None, [("安装日期", str(exc))]
    values["elder_id"] = 0  # resolved on write, by the ID number's blind index
    payload, problems = importing.schema_validate(run.importer, DeviceIn, values)
    if payload is None:
        return None, [(column, _no_key_in(reason)) for column, reason in problems]
    data = payload.model_dump()
    data["id_hash"] = blind_index(number)
    return data, []


def _no_key_in(reason: str) -> str:
    """Schema messages never quote the value, but a key must not reach a report even by accident."""
    return reason if "“" not in reason else "格式不正确"


def _write(run: importing.ImportRun, good: list[importing.Row]) -> None:
    """Register each row in its own savepoint (rolled back in a dry run)."""
    hashes = {values["id_hash"] for _, _, values in good}
    people = dict(Elder.objects.for_user(run.actor).filter(id_hash__in=hashes).values_list("id_hash", "pk"))
    serials = [values["serial"] for _, _, values in good]
    existing = {
        serial: (elder_id, kind)
        for serial, elder_id, kind in Device.objects.unscoped(
            reason="serials are unique platform-wide; only the match is reported, never the row"
        )
        .filter(serial__in=serials)
        .values_list("serial", "elder_id", "kind")
    }
    for number, raw, values in good:
        elder_id = people.get(values["id_hash"])
        if elder_id is None:
            run.reject(
                number, [("老人公民身份号码", "未找到该公民身份号码的老人，或不在您的管辖范围内")], raw
            )
            continue
        serial = values["serial"]
        if serial in run.state["seen"]:
            run.reject(number, [("设备编号", "文件中该设备编号重复")], raw)
            continue
        if serial in existing:
            if existing[serial] == (elder_id, values["kind"]):
                run.state["seen"].add(serial)
                run.result.unchanged += 1
            else:
                run.reject(number, [("设备编号", "该设备编号已登记给其他老人或为其他类型的设备")], raw)
            continue
        arguments = {k: v for k, v in values.items() if k not in ("id_hash", "elder_id")}
        try:
            with transaction.atomic():
                device_services.device_register(actor=run.actor, elder_id=elder_id, **arguments)
                if run.dry_run:
                    transaction.set_rollback(True)
        except DomainError as exc:
            column = next((HEADER_OF.get(f, f) for f in exc.fields), "")
            run.reject(number, [(column, exc.message)], raw)
            continue
        run.state["seen"].add(serial)
        run.result.created += 1


IMPORTER = importing.Importer(
    kind="devices",
    title="智能设备",
    columns=DECLARED,
    permission="alarms.import_device",  # government device managers: rows name people by ID number
    model=Device,
    audit_action="device.import",
    upsert_key="设备编号",
    validate=_validate,
    write=_write,
    start=_start,
    analyze=(Device,),
    no_rows_is_error=True,
    keep_upload=False,
)
