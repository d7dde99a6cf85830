"""Builders other apps' tests use: organisations and users with a scope, through the real services."""

from __future__ import annotations

import itertools

from yanglao.core import creditcode, services
from yanglao.core.choices import OrganisationKind, Role
from yanglao.core.models import Organisation, User

PASSWORD = "Testing2026pass"
_counter = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    n = next(_counter) if n is None else n
    return creditcode.make(f"52310104MJ{n:07d}")


def organisation(
    *, region_code: str, name: str | None = None, kind: str = OrganisationKind.INSTITUTION, **extra
) -> Organisation:
    n = next(_counter)
    return Organisation.objects.create(
        name=name or f"测试机构{n}", kind=kind, region_id=region_code, credit_code=credit_code(n), **extra
    )


def user(
    *,
    role: str,
    regions: list[str] = (),
    organisation: Organisation | None = None,
    username: str | None = None,
) -> User:
    return services.user_create(
        actor=None,
        username=username or f"{role}_{next(_counter)}",
        password=PASSWORD,
        role=role,
        full_name=f"测试{Role(role).label}",
        organisation_id=organisation.pk if organisation else None,
        region_codes=list(regions),
    )
