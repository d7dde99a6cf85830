"""How the audit log reads to a person: Chinese action names, changes by field name, draft saves grouped.

django-auditlog stores field diffs (``changes``: field → [old, new], values already masked for the masked
fields) and our services add business entries (``additional_data``: a batch action or a reveal). This module
turns stored entries into lines for the audit page without touching the database: field names come from
the models' verbose names, choice values from their labels. Consecutive draft saves of one assessment by
one person (the form saves every few seconds) become one line, so the reveals between them stay visible.

Apps above core register how a person search finds their records (``register_person_lookup``): core
cannot read the registry itself.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

if TYPE_CHECKING:
    from django.contrib.contenttypes.fields import GenericForeignKey
    from django.db.models.fields.reverse_related import ForeignObjectRel

    ModelField = models.Field | ForeignObjectRel | GenericForeignKey

ACTIONS = {
    LogEntry.Action.CREATE: "创建",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
    LogEntry.Action.ACCESS: "查看",
}
# Business and batch entries (``additional_data["batch"]``), by the code the service records.
BATCH_ACTIONS = {
    "elder.export": "导出老年人名单",
    "elder.import": "导入老年人信息",
    "elder.death_list": "导入死亡名单",
    "elder.seed": "生成演示老年人",
    "facility.import": "导入养老设施",
    "facility.seed": "生成演示养老设施",
    "assessment.seed": "生成演示评估",
    "organisation.seed": "生成演示组织机构",
    "region.load": "导入行政区划",
    "region.boundaries": "导入区划边界",
}
REVEAL = "查看完整信息"
DRAFT = "保存草稿"
# The filter's choices: the four kinds of change, then each business action.
ACTION_CHOICES = [
    ("create", "创建"),
    ("update", "修改"),
    ("delete", "删除"),
    ("reveal", REVEAL),
    *BATCH_ACTIONS.items(),
]
DETAIL_LABELS = {
    "count": "条数",
    "format": "格式",
    "clear": "明文",
    "filters": "筛选条件",
    "file": "文件",
    "created": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "rejected": "拒绝",
    "profile": "方案",
    "reveal": "字段",
    "dry_run": "试导入",
    "q": "搜索",
    "region": "区划",
    "status": "状态",
    "group": "类别",
    "level": "能力等级",
}
# Model fields that carry a draft's content: a save touching only these is a draft save.
DRAFT_FIELDS = {"answers", "context", "status"}
DRAFT_MODELS = {"assessment.assessment"}
EMPTY = (None, "None", "", "[]", "{}")
HIDDEN_ON_CREATE = {"id", "created_at", "updated_at"}


@dataclass
class AuditLine:
    """One line of the audit page: one entry, or a run of draft saves (``count`` > 1)."""

    pk: int
    first_pk: int
    timestamp: dt.datetime
    first_timestamp: dt.datetime
    actor: str
    action: str
    target: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    remote_addr: str = ""
    count: int = 1
    group_key: tuple | None = None

    @property
    def action_label(self) -> str:
        return f"{self.action} ×{self.count}" if self.count > 1 else self.action


def _text(value: object) -> str:
    if value is None or value == "None" or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{DETAIL_LABELS.get(k, k)}：{_text(v)}" for k, v in value.items()) or "（空）"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value) or "（空）"
    return str(value)


def _model_field(model: type[models.Model] | None, name: str) -> ModelField | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed or renamed: show the stored name
        return None


def _value(model_field: ModelField | None, raw: object) -> str:
    if isinstance(model_field, models.DateTimeField) and isinstance(raw, str):
        moment = parse_datetime(raw)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        labels = {str(k): str(v) for k, v in choices}
        if str(raw) in labels:
            return labels[str(raw)]
    if model_field is not None and isinstance(model_field, models.JSONField):
        return "（内容已更新）"
    if model_field is not None and isinstance(model_field, models.BooleanField):
        return {"True": "是", "False": "否"}.get(str(raw), _text(raw))
    return _text(raw)


def _changes(
    model: type[models.Model] | None, changes: dict[str, Any] | str | None, action: int
) -> list[tuple[str, str, str]]:
    """(field label, old, new) for each changed field; a creation lists only what was filled in, a
    deletion only what was there."""
    diff: dict[str, Any] | None
    if isinstance(changes, str):  # older rows stored the diff as a JSON string
        try:
            diff = json.loads(changes)
        except ValueError:
            return []
    else:
        diff = changes
    rows = []
    for name, change in (diff or {}).items():
        model_field = _model_field(model, name)
        label = str(getattr(model_field, "verbose_name", "") or name)
        if isinstance(change, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            operation = {"add": "增加", "delete": "移除", "clear": "清空"}.get(
                str(change.get("operation")), "变更"
            )
            rows.append((label, operation, _text(change.get("objects"))))
        elif isinstance(change, list | tuple) and len(change) == 2:
            old, new = change
            if action == LogEntry.Action.CREATE:
                if new not in EMPTY and name not in HIDDEN_ON_CREATE:
                    rows.append((label, "", _value(model_field, new)))
            elif action == LogEntry.Action.DELETE:
                if old not in EMPTY:
                    rows.append((label, _value(model_field, old), "已删除"))
            elif isinstance(model_field, models.JSONField):
                rows.append((label, "", "（内容已更新）"))
            else:
                rows.append((label, _value(model_field, old), _value(model_field, new)))
    return rows


def _is_draft_save(entry: LogEntry, label: str) -> bool:
    if entry.action != LogEntry.Action.UPDATE or label not in DRAFT_MODELS:
        return False
    keys = set((entry.changes if isinstance(entry.changes, dict) else {}) or {})
    return bool(keys) and keys <= DRAFT_FIELDS and bool(keys & {"answers", "context"})


def describe(entry: LogEntry) -> AuditLine:
    """One stored entry as a line; reads ``entry.actor`` and ``entry.content_type`` (select them related)."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    label = f"{entry.content_type.app_label}.{entry.content_type.model}" if entry.content_type_id else ""
    data: dict[str, Any] = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    action, details, changes, group_key = ACTIONS.get(entry.action, "操作"), [], [], None
    kind = str(model._meta.verbose_name) if model is not None else ""
    target = f"{kind}：{entry.object_repr}" if kind else entry.object_repr
    if "batch" in data:
        action = BATCH_ACTIONS.get(data["batch"], data["batch"])
        details = [
            (DETAIL_LABELS.get(k, k), _text(v)) for k, v in data.items() if k not in ("batch", "count")
        ]
        target = f"{kind or '批量操作'}（{data.get('count', 0)} 条）"
    elif "reveal" in data:
        action = REVEAL
        reveal_field = _model_field(model, data["reveal"])
        details = [("字段", str(getattr(reveal_field, "verbose_name", "") or data["reveal"]))]
    else:
        changes = _changes(model, entry.changes, entry.action)
        if data:
            details = [(DETAIL_LABELS.get(k, k), _text(v)) for k, v in data.items()]
    if _is_draft_save(entry, label):
        action, changes = DRAFT, []
        group_key = (entry.actor_id, entry.content_type_id, entry.object_pk)
    actor = str(entry.actor) if entry.actor_id else "系统"
    return AuditLine(
        pk=entry.pk,
        first_pk=entry.pk,
        timestamp=entry.timestamp,
        first_timestamp=entry.timestamp,
        actor=actor,
        action=action,
        target=target,
        changes=changes,
        details=details,
        remote_addr=entry.remote_addr or "",
        group_key=group_key,
    )


def lines(entries: Iterable[LogEntry]) -> Iterator[AuditLine]:
    """Entries (newest first) as lines, a run of draft saves by one person on one object as one line."""
    current: AuditLine | None = None
    for entry in entries:
        line = describe(entry)
        if current is not None and line.group_key is not None and line.group_key == current.group_key:
            current.count += 1
            current.first_pk, current.first_timestamp = line.pk, line.timestamp
            continue
        if current is not None:
            yield current
        current = line
    if current is not None:
        yield current


# ---------------------------------------------------------------- person search

PersonLookup = Callable[..., Iterable[tuple[type[models.Model], models.QuerySet]]]
PERSON_LOOKUPS: list[PersonLookup] = []


def register_person_lookup(lookup: PersonLookup) -> None:
    """``lookup(user=..., query=...)`` yields (model, queryset of primary keys) pairs: the records of the
    people matching ``query`` (an id or a name) that ``user`` may see."""
    if lookup not in PERSON_LOOKUPS:
        PERSON_LOOKUPS.append(lookup)
