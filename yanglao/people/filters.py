"""The registry's filter definitions: the elder list (page, /api/v1/elders, export) and the transfers (page
and /api/v1/transfers)."""

from __future__ import annotations

import datetime as dt
import re
from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from yanglao.core.crypto import blind_index
from yanglao.core.lists import ScopedFilterSet
from yanglao.core.models import Region, User
from yanglao.core.scoping import code_range_q
from yanglao.people import groups, identity
from yanglao.people.choices import EconomicStatus, ElderStatus, LivingArrangement, TransferStatus
from yanglao.people.identity import birthday_years_ago
from yanglao.people.models import Elder, ElderTransfer

ABILITY_CHOICES = [
    ("none", "未评估"),
    ("expired", "评估已过期"),
    ("assessed", "评估在有效期内"),
    ("disabled", "失能（1–4级）"),
    ("0", "能力完好"),
    ("1", "轻度失能"),
    ("2", "中度失能"),
    ("3", "重度失能"),
    ("4", "完全失能"),
]


def hardship_q(today: dt.date, prefix: str = "") -> Q:
    """特殊困难老年人: anyone in one of ``groups.HARDSHIP_GROUPS`` on ``today`` (``prefix``: through a
    relation, e.g. ``"elder__"`` from an order, so the rule is a join and never a list of ids)."""
    return reduce(
        or_,
        (
            Q(**{prefix + k: v for k, v in groups.BY_CODE[code].lookups(today).items()})
            for code in groups.HARDSHIP_GROUPS
        ),
    )


def ability_q(value: str, today: dt.date) -> Q:
    """The ability filter: a level counts only while its assessment is valid (GB/T 42195 levels 0–4)."""
    if value == "none":
        return Q(ability_level__isnull=True)
    if value == "expired":  # assessed, but the level no longer counts (groups.ability_current)
        return Q(ability_level__isnull=False) & ~Q(**groups.ability_current_lookups(today))
    if value == "assessed":
        return Q(**groups.ability_current_lookups(today))
    if value == "disabled":
        return Q(**groups.BY_CODE["disabled"].lookups(today))
    if value.isdigit():
        return Q(ability_level=int(value)) & (
            Q(ability_valid_until__isnull=True) | Q(ability_valid_until__gte=today)
        )
    return Q()


def region_filter_code(user: User, text: str) -> str | None:
    """The region filter as users type it: a 12-digit code, or a street or community name in their scope."""
    text = (text or "").strip()
    if not text or re.fullmatch(r"\d{6,12}", text):
        return text
    match = (
        Region.objects.filter(code_range_q(user), name=text)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return match


def search_q(text: str) -> Q:
    """What the search box means, decided by the shape of the text (never a full scan for IDs or phones).

    18/15-digit ID → its blind index; mobile or landline → the phone's blind index; 4 characters of digits
    or X → the last four ID characters; Latin letters → pinyin initials or full pinyin prefix; else name prefix.
    """
    text = identity.to_half_width(text).strip().replace(" ", "")
    if not text:
        return Q()
    upper = text.upper()
    if re.fullmatch(r"\d{17}[\dX]|\d{15}", upper):
        try:
            number = identity.normalise_id(upper, today=timezone.localdate())
        except identity.IdentityError:
            return Q(pk__in=[])
        return Q(id_hash=blind_index(number))
    if re.fullmatch(r"\d{3}[\dX]", upper):
        return Q(id_last4=upper)
    if re.fullmatch(r"[\d\-]{7,16}", text):
        try:
            return Q(phone_hash=blind_index(identity.normalise_phone(text)))
        except identity.IdentityError:
            return Q(pk__in=[])
    if text.isascii() and text.isalpha():
        lower = text.lower()
        return Q(name_initials__startswith=lower) | Q(name_pinyin__startswith=lower)
    return Q(name__startswith=text)


def is_prefix_search(text: str) -> bool:
    """Name or pinyin searches (as opposed to ID numbers, last four characters and phones)."""
    text = identity.to_half_width(text).strip().replace(" ", "")
    return not re.fullmatch(r"[\dXx\-]+", text)


def is_dense_search(text: str) -> bool:
    """One letter or one character (a surname) matches a large share of everyone: walking the (region, id)
    index and filtering finds a page at once, while sorting every match (the sparse plan) takes 100+ ms."""
    return len(identity.to_half_width(text).strip().replace(" ", "")) <= 1


class ElderFilterSet(ScopedFilterSet):
    """The living in the user's scope by default, in (community, id) order: the (region, id) index."""

    q = django_filters.CharFilter(label="搜索", method="filter_q", max_length=50)
    region = django_filters.CharFilter(label="街道或社区", method="filter_region", max_length=100)
    group = django_filters.MultipleChoiceFilter(
        label="特殊群体", choices=[(g.code, g.label) for g in groups.GROUPS], method="filter_group"
    )
    age_band = django_filters.ChoiceFilter(
        label="年龄段",
        choices=[(k, v[0]) for k, v in groups.AGE_BANDS.items()],
        empty_label="全部年龄",
        method="filter_age_band",
    )
    age_min = django_filters.NumberFilter(
        label="年满（周岁）", method="filter_age_min", min_value=0, max_value=130
    )
    hardship = django_filters.BooleanFilter(label="特殊困难老年人", method="filter_hardship")
    status = django_filters.ChoiceFilter(label="状态", choices=ElderStatus.choices, empty_label="全部状态")
    living_arrangement = django_filters.ChoiceFilter(
        label="居住情况", choices=LivingArrangement.choices, empty_label="全部居住情况"
    )
    economic_status = django_filters.ChoiceFilter(
        label="经济状况", choices=EconomicStatus.choices, empty_label="全部经济状况"
    )
    ability = django_filters.ChoiceFilter(
        label="能力等级", choices=ABILITY_CHOICES, empty_label="全部能力等级", method="filter_ability"
    )

    keyset = ("region", "pk")
    defaults = {"status": ElderStatus.ACTIVE}

    class Meta:
        model = Elder
        fields: list[str] = []

    def base_queryset(self, user):
        return Elder.objects.for_user(user).select_related("region")

    def filter_q(self, qs, name, value):
        return qs.filter(search_q(value))

    def filter_region(self, qs, name, value):
        code = region_filter_code(self.user, value)
        return qs.in_region(code) if code else qs.none()

    def filter_group(self, qs, name, value):
        for code in value:
            qs = qs.filter(**groups.BY_CODE[code].lookups(self.today))
        return qs

    def filter_age_band(self, qs, name, value):
        return qs.filter(**groups.age_band_lookups(value, self.today))

    def filter_age_min(self, qs, name, value):
        return qs.filter(birth_date__lte=birthday_years_ago(self.today, int(value)))

    def filter_hardship(self, qs, name, value):
        return qs.filter(hardship_q(self.today)) if value else qs.exclude(hardship_q(self.today))

    def filter_ability(self, qs, name, value):
        return qs.filter(ability_q(value, self.today))

    def ordered(self, qs):
        q = self.form.cleaned_data.get("q") or ""  # the form was validated by the filtering
        if q and is_prefix_search(q) and not is_dense_search(q):
            # Same order, written so PostgreSQL cannot walk the (region, id) index and filter a million rows
            # for a prefix that matches late in the district: it takes the name indexes and sorts the matches.
            return qs.order_by(Cast("region", output_field=TextField()), "pk")
        return qs.order_by(*self.keyset)


class TransferFilterSet(ScopedFilterSet):
    """Transfers newest first. ``incoming``: into the user's streets (the receiving side decides);
    ``outgoing``: started from them. The page shows the pending incoming ones above the outgoing ones."""

    direction = django_filters.ChoiceFilter(
        label="方向",
        choices=[("incoming", "迁入本辖区"), ("outgoing", "本辖区发起")],
        empty_label="全部方向",
        method="filter_direction",
    )
    status = django_filters.ChoiceFilter(label="状态", choices=TransferStatus.choices, empty_label="全部状态")

    keyset = ("-requested_at", "-pk")
    masked = ()

    class Meta:
        model = ElderTransfer
        fields: list[str] = []

    def base_queryset(self, user):
        return ElderTransfer.objects.for_user(user).select_related(
            "elder", "from_region", "to_region", "requested_by"
        )

    def filter_direction(self, qs, name, value):
        return qs.filter(code_range_q(self.user, "to_region" if value == "incoming" else "from_region"))
