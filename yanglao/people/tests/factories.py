"""Builders for registry tests and for other apps' tests, through the real service."""

from __future__ import annotations

import datetime as dt
import itertools

from yanglao.core import idcard
from yanglao.core.models import User
from yanglao.people import services
from yanglao.people.models import Elder
from yanglao.people.schemas import ElderIn

_sequence = itertools.count(101)


def elder_in(**overrides) -> ElderIn:
    n = next(_sequence)
    data = {
        "name": "张三丰",
        "id_number": idcard.make("310104", dt.date(1940, 5, 1 + n % 27), n % 999),
        "region_code": "310104003001",
        "living_arrangement": "alone",
        "economic_status": "general",
        "phone": f"138{n:08d}",
        "address": "上海市徐汇区天平路 1 号",
    }
    return ElderIn.model_validate(data | overrides)


def elder(*, actor: User | None = None, **overrides) -> Elder:
    """Create through elder_create; without an actor a system administrator acts."""
    if actor is None:
        actor = User.objects.filter(username="factory_root").first() or User.objects.create_superuser(
            "factory_root", password="unused-Password-1"
        )
    return services.elder_create(actor=actor, data=elder_in(**overrides))
