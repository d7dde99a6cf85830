"""Regions, organisations, accounts and API tokens: what every other module stands on."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yanglao.core import divisions, licences
from yanglao.core.choices import OrganisationKind, Ownership, RegionLevel, Role
from yanglao.core.scoping import RegionScopedQuerySet, ScopedModel, user_scope_q


class DivisionCodeField(models.CharField):
    """A 12-digit statistical division code as a fixed-width ``CHAR(12)`` column."""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 12
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def db_type(self, connection):
        # PostgreSQL's bulk insert casts to the type name without its length ("char" would mean char(1));
        # "bpchar" is the same type and without a length it does not truncate.
        return "bpchar(12)" if connection.vendor == "postgresql" else "char(12)"


class Region(models.Model):
    """A statistical division (统计用区划). Public reference data, so not scoped; counts over it are.

    ``generated`` marks rows the demo invented where no published code exists.
    """

    code = DivisionCodeField("区划代码", primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    generated = models.BooleanField("演示生成", default=False)
    # Centre point for maps and the demo generator; optional.
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    # Resident population (常住人口) for per-resident planning indicators (e.g. 0.2 m² of facilities each).
    population = models.PositiveIntegerField("常住人口", null=True, blank=True)
    # GeoJSON geometry (WGS-84) for maps without tiles; ``boundary_source`` says where it came from.
    boundary = models.JSONField("边界", null=True, blank=True)
    boundary_source = models.CharField("边界来源", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def subtree_range(self) -> tuple[str, str]:
        return divisions.subtree_range(self.code)


class Organisation(ScopedModel):
    """A government department or a provider (institution, centre, canteen, home-service company …).

    Scoped by its region code; provider users see their own organisation. The credit code is unique when
    given; (region, name) is unique so the same organisation cannot be registered twice in one place.
    """

    scope_region_field = "region"
    scope_organisation_field = "pk"

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=32, choices=OrganisationKind.choices)
    ownership = models.CharField("性质", max_length=20, choices=Ownership.choices, default=Ownership.PUBLIC)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    address = models.CharField("地址", max_length=300, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
    licence_no = models.CharField("许可证或备案号", max_length=60, blank=True)
    licence_expiry = models.DateField("许可或备案有效期至", null=True, blank=True)
    is_active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "组织机构"
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name_in_region"),
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=3.0, lat__lte=54.0),
                name="organisation_lat_in_china",
            ),
            models.CheckConstraint(
                condition=Q(lng__isnull=True) | Q(lng__gte=73.0, lng__lte=136.0),
                name="organisation_lng_in_china",
            ),
        ]
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self) -> str:
        return self.name

    @property
    def licence(self) -> licences.LicenceState:
        """The same rule as a facility's licence (core.licences), for a licence number held or not."""
        return licences.licence_state(self.licence_no, self.licence_expiry, timezone.localdate())


class User(AbstractUser):
    """An account. Government-side users hold region assignments; provider-side users an organisation.

    ``role`` mirrors the single Django group that grants its permissions (services.user_set_role).
    """

    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    regions = models.ManyToManyField(Region, verbose_name="管辖区划", blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    def scope_ranges(self) -> list[tuple[str, str]]:
        """Merged code ranges of the assigned regions, cached on the instance for one request."""
        cached = getattr(self, "_scope_ranges", None)
        if cached is None:
            codes = list(self.regions.values_list("code", flat=True)) if self.pk else []
            cached = divisions.merge_ranges([divisions.subtree_range(code) for code in codes])
            self._scope_ranges = cached
        return cached

    def in_scope(self, region_code: str) -> bool:
        if self.is_superuser:
            return True
        return any(lo <= region_code < hi for lo, hi in self.scope_ranges())


class ApiToken(models.Model):
    """A per-user bearer token for scripts. Only the SHA-256 of the secret is stored; shown once."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=60)
    prefix = models.CharField("前缀", max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AuditAccess(models.Model):
    """Holds the custom permission to read the audit page; no rows."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_audit", "查看审计日志")]

    def __str__(self) -> str:
        return "审计日志权限"


class ExportJob(models.Model):
    """A large export written by the background worker: the same writer, filter, masking and audit as an
    inline download, with progress for the page and a private file kept for the upload retention period.

    Only its actor (and system administrators) see it; ``params`` is the list's query string as the user saw it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("导出内容", max_length=40)
    title = models.CharField("名称", max_length=100)
    params = models.CharField("筛选条件", max_length=2000, blank=True)
    fmt = models.CharField("格式", max_length=8, default="xlsx")
    clear = models.BooleanField("明文", default=False)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField("总行数", default=0)
    written = models.PositiveIntegerField("已写行数", default=0)
    path = models.CharField(max_length=500, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导出任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.written / self.total) if self.total else 0


class ImportJob(models.Model):
    """One uploaded file run through the import pipeline by the background worker (``core/importing.py``):
    the registry's list, a death-list exchange file, or any other registered importer's table.

    Only its actor (and system administrators) see it. The worker writes counts and ``heartbeat_at`` per
    chunk; a running job whose heartbeat stopped (or whose process is gone) is ended as failed, so no job
    stays "running" after its worker died.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=40)
    title = models.CharField("名称", max_length=100, blank=True)
    filename = models.CharField("文件名", max_length=255)
    path = models.CharField(max_length=500, blank=True)
    dry_run = models.BooleanField("仅校验", default=False)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True
    )  # the first MAX_STORED_ERRORS; all are in the workbook
    error_path = models.CharField(max_length=500, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    worker_host = models.CharField(max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="core_importjob_state_beat")]

    def __str__(self) -> str:
        return f"{self.title or self.kind} {self.filename}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.processed / self.rows) if self.rows else 0

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class EventQuerySet(RegionScopedQuerySet):
    """Events are scoped like region-bound rows, plus the rows addressed to one user; no model permission is
    needed, since an event carries only ids, counts and states about rows its scope already lets one read."""

    def for_user(self, user, action: str = "view") -> EventQuerySet:
        qs = self._chain()
        qs._scope = f"user:{getattr(user, 'pk', None)}:{action}"
        if user is None or not user.is_authenticated or not user.is_active:
            return qs.none()
        if user.is_superuser:
            return qs
        return qs.filter(user_scope_q(self.model, user) | Q(user_id=user.pk))


class Event(models.Model):
    """One live event (a job's progress, a notification), the source of truth behind ``/events/``.

    Written by ``events.publish_on_commit`` inside the caller's transaction, so a rolled-back write leaves no
    event; the wake-up bus only says "look again". Scoped by ``region_code`` (the user's code ranges),
    ``organisation_id`` (the user's organisation) or ``user_id`` (that user); a row with none of them is seen
    by system administrators only. The payload holds ids, counts and states, never clear personal data.
    """

    scope_region_field = "region_code"
    scope_organisation_field = "organisation_id"

    topic = models.CharField("主题", max_length=100)
    payload = models.JSONField("内容", default=dict, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    region_code = DivisionCodeField("区划代码", null=True, blank=True)
    organisation_id = models.BigIntegerField("机构", null=True, blank=True)
    user_id = models.BigIntegerField("用户", null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "实时事件"
        ordering = ["id"]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"
