"""The registry: elders, their emergency contacts, households and life events.

Personal data is encrypted at rest (core.crypto): the ID number, phones and addresses. Exact lookups use
keyed HMAC blind indexes (``id_hash``, ``phone_hash``); display uses the kept last four ID characters and
masks. Nothing here is ever deleted: death and moving out are status changes with a dated life event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yanglao.core import masking
from yanglao.core.crypto import EncryptedTextField
from yanglao.core.models import Region
from yanglao.core.scoping import ScopedModel
from yanglao.people.choices import (
    DisabilityCategory,
    EconomicStatus,
    ElderStatus,
    EventSource,
    FamilyPlanningSpecial,
    Gender,
    LifeEventKind,
    LivingArrangement,
    MedicalInsurance,
    TransferStatus,
)
from yanglao.people.groups import ability_current
from yanglao.people.identity import age_on


class Household(ScopedModel):
    """A 户: the people registered at one address together; lets a page show who lives with whom."""

    scope_region_field = "region"

    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    number = models.CharField("户号", max_length=40)

    class Meta:
        verbose_name = verbose_name_plural = "家庭户"
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="household_unique_number")]

    def __str__(self) -> str:
        return f"户 {self.number}"


class Elder(ScopedModel):
    """One older person in the registry (老年人基本信息库).

    Invariants: ``id_hash`` is unique (one record per person, upsert key of imports); ``gender`` and
    ``birth_date`` come from the ID number; ``region`` is the community (residents' committee) the person
    lives in. ``row_hash`` fingerprints the imported fields so a re-import can say "unchanged".
    """

    scope_region_field = "region"
    scope_elder_field = "self"

    name = models.CharField("姓名", max_length=50)
    name_pinyin = models.CharField("姓名拼音", max_length=120)
    name_initials = models.CharField("拼音首字母", max_length=20)
    id_number = EncryptedTextField("公民身份号码")
    id_hash = models.CharField(max_length=32, unique=True)
    id_last4 = models.CharField("身份证后四位", max_length=4)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=20, default="汉族", blank=True)
    phone = EncryptedTextField("联系电话", blank=True, default="")
    phone_hash = models.CharField(max_length=32, blank=True, default="")
    registered_address = EncryptedTextField("户籍地址", blank=True, default="")
    address = EncryptedTextField("居住地址", blank=True, default="")
    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name="家庭户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    living_arrangement = models.CharField("居住情况", max_length=20, choices=LivingArrangement.choices)
    economic_status = models.CharField("经济状况", max_length=20, choices=EconomicStatus.choices)
    family_planning_special = models.CharField(
        "计生特殊家庭", max_length=24, blank=True, default="", choices=FamilyPlanningSpecial.choices
    )
    disability_category = models.CharField(
        "残疾类别", max_length=16, blank=True, default="", choices=DisabilityCategory.choices
    )
    disability_grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    medical_insurance = models.CharField(
        "医保类型", max_length=16, blank=True, default="", choices=MedicalInsurance.choices
    )
    family_doctor_signed = models.BooleanField("家庭医生签约", default=False)
    # 户籍: whether the household registration is in this city (some allowances are for local residents only).
    local_hukou = models.BooleanField("本市户籍", default=True)
    chronic_conditions = models.JSONField("慢性病", default=list, blank=True)
    medicines = EncryptedTextField(
        "常用药物", blank=True, default=""
    )  # health data: encrypted, read by the alarm centre
    status = models.CharField("状态", max_length=12, choices=ElderStatus.choices, default=ElderStatus.ACTIVE)
    status_date = models.DateField("状态日期", null=True, blank=True)
    death_date = models.DateField("死亡日期", null=True, blank=True)
    row_hash = models.CharField(max_length=32, blank=True, default="")
    # The current ability level, set only by the assessment module when it approves an assessment.
    ability_level = models.PositiveSmallIntegerField("能力等级", null=True, blank=True)
    ability_level_name = models.CharField("能力等级名称", max_length=40, blank=True, default="")
    ability_instrument = models.CharField("评估量表", max_length=40, blank=True, default="")
    ability_valid_until = models.DateField("评估有效期至", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "老年人"
        permissions = [("reveal_elder", "查看老年人完整身份证号和电话"), ("export_elder", "导出老年人名单")]
        # Every index costs every import row: only what the list, search and upsert use. Prefix searches
        # need pattern operator classes on PostgreSQL (other databases ignore opclasses).
        indexes = [
            models.Index(fields=["region", "id"], name="elder_region_keyset"),
            models.Index(fields=["name"], name="elder_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["name_initials"], name="elder_initials_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["name_pinyin"], name="elder_pinyin_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["id_last4"], name="elder_id_last4"),
            models.Index(fields=["phone_hash"], name="elder_phone_hash"),
            # The re-assessment list: the living whose result runs out soonest, walked in order.
            models.Index(
                fields=["ability_valid_until", "id"],
                name="elder_ability_due",
                condition=Q(status="active", ability_valid_until__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True) | Q(disability_grade__range=(1, 4)),
                name="elder_disability_grade_1_4",
            ),
            models.CheckConstraint(
                condition=~Q(status="deceased") | Q(death_date__isnull=False),
                name="elder_deceased_has_death_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_masked(self) -> str:
        """From the stored last four characters: masking never decrypts the number (core.masking)."""
        return masking.mask_id(self.id_last4)

    @property
    def phone_masked(self) -> str:
        return masking.mask_phone(self.phone)

    @property
    def address_masked(self) -> str:
        return masking.mask_address(self.address)

    @property
    def age(self) -> int:
        """Whole years today (Asia/Shanghai): what users without the reveal right see instead of the birth date."""
        return age_on(self.birth_date, timezone.localdate())

    @property
    def ability_kind(self) -> str:
        """none / expired / current: what a page styles the ability level by (never by its Chinese label)."""
        if self.ability_level is None:
            return "none"
        return "expired" if ability_current(self.as_record(), timezone.localdate()) is None else "current"

    @property
    def ability_state(self) -> str:
        """未评估 / 已过期 / the level's name: an expired level is not the person's current level."""
        kind = self.ability_kind
        if kind != "current":
            return "未评估" if kind == "none" else "已过期"
        return self.ability_level_name or f"{self.ability_level} 级"

    as_record_fields = (
        "birth_date",
        "living_arrangement",
        "economic_status",
        "family_planning_special",
        "disability_grade",
        "ability_level",
        "ability_valid_until",
    )

    def as_record(self) -> dict:
        """The fields the pure group rules read."""
        return {name: getattr(self, name) for name in self.as_record_fields}


class EmergencyContact(models.Model):
    """Up to three per elder, in order; ``has_key`` marks a key holder the alarm centre can send."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("关系", max_length=20, blank=True)
    phone = EncryptedTextField("电话")
    # Blind index of the phone: the alarm centre matches an incoming caller's number to the person whose
    # contact is calling (alarms.services.calls); set wherever a contact is written (people.services).
    phone_hash = models.CharField(max_length=32, blank=True, default="", db_index=True)
    has_key = models.BooleanField("持有房门钥匙", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "紧急联系人"
        ordering = ["elder", "position"]
        constraints = [
            models.UniqueConstraint(fields=["elder", "position"], name="contact_unique_position"),
            models.CheckConstraint(condition=Q(position__range=(1, 3)), name="contact_position_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.relation}）"

    @property
    def phone_masked(self) -> str:
        return masking.mask_phone(self.phone)


class LifeEvent(ScopedModel):
    """A dated change in a person's life or record: registration, death, moves, corrections.

    Scoped through the person's current community; ``from_region``/``to_region`` keep the move history.
    """

    scope_region_field = "elder__region"

    elder = models.ForeignKey(Elder, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事件", max_length=16, choices=LifeEventKind.choices)
    date = models.DateField("日期")
    source = models.CharField("来源", max_length=20, choices=EventSource.choices)
    from_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "生活事件"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class ElderTransfer(ScopedModel):
    """A move out of the sender's scope (迁出转移): the receiving street accepts or refuses it.

    Both ends see it (scoped by both communities). Until it is accepted the person stays in the sending
    community, visible to the sender; acceptance moves the person and the records that follow a person
    (people.services.MOVE_HOOKS). At most one transfer per person is pending.
    """

    scope_region_field = ("from_region", "to_region")

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="transfers")
    from_region = models.ForeignKey(
        Region,
        verbose_name="迁出社区",
        on_delete=models.PROTECT,
        db_column="from_region_code",
        related_name="+",
    )
    to_region = models.ForeignKey(
        Region,
        verbose_name="迁入社区",
        on_delete=models.PROTECT,
        db_column="to_region_code",
        related_name="+",
    )
    address = EncryptedTextField("新居住地址", blank=True, default="")
    date = models.DateField("迁居日期")
    note = models.CharField("说明", max_length=300, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("发起时间", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "迁出转移"
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["to_region", "status"], name="transfer_incoming"),
            models.Index(fields=["from_region", "status"], name="transfer_outgoing"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["elder"], condition=Q(status="pending"), name="transfer_one_pending_per_elder"
            ),
            models.CheckConstraint(condition=~Q(from_region=models.F("to_region")), name="transfer_moves"),
        ]

    def __str__(self) -> str:
        return f"{self.elder} → {self.to_region_id}"


class FamilyLink(ScopedModel):
    """A family account's link to a person (家属绑定), made by the community or by the family redeeming an
    invitation code the community handed out. A family user sees, and orders for, linked people only
    (``scope_elder_field``); ending a link ends that reach at once."""

    scope_region_field = "elder__region"
    scope_elder_field = "elder"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="家属账号",
        on_delete=models.PROTECT,
        related_name="family_links",
    )
    elder = models.ForeignKey(
        Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="family_links"
    )
    relation = models.CharField("与老人关系", max_length=10)
    active = models.BooleanField("有效", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("绑定时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "家属绑定"
        constraints = [models.UniqueConstraint(fields=["user", "elder"], name="family_link_user_elder")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.elder_id}"


class FamilyInvitation(ScopedModel):
    """A one-time code (家属绑定邀请码) the community hands a family member so that their own account links to
    a person. Only the code's keyed hash is stored (the clear code is shown once, to the community worker);
    it expires after 14 days and is used once (``used_by``/``used_at``)."""

    elder = models.ForeignKey(
        Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="family_invitations"
    )
    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    code_hash = models.CharField("邀请码摘要", max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField("有效期至")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="使用人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "家属绑定邀请码"
        constraints = [
            models.CheckConstraint(
                condition=Q(used_by__isnull=True, used_at__isnull=True)
                | Q(used_by__isnull=False, used_at__isnull=False),
                name="family_invitation_used_together",
            )
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.created_at:%Y-%m-%d}"


class FamilyCodeTry(models.Model):
    """A refused invitation code typed by a family account: five within 15 minutes lock its redeeming for 15
    minutes (kept in the database, not a cache, so every worker and every deployment counts the same)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tried_at = models.DateTimeField("输入时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "家属邀请码错误输入"
        indexes = [models.Index(fields=["user", "tried_at"], name="family_code_try_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.tried_at:%Y-%m-%d %H:%M}"
