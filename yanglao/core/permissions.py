"""Django's model permissions in one round trip instead of two.

Every API request loads its user afresh (a token is not a session), so the first permission check of each
request runs Django's two queries, one for the user's own permissions and one for their groups', and the
ORM compiles both: about 1.5 ms of a worker's CPU per request, the largest single cost of placing an order
(docs/benchmarks.md, order creation). This backend asks for both sets in one hand-written statement whose
table and column names come from the models, with the same rules as ``ModelBackend`` (inactive users and
object checks get nothing, superusers everything) and the same per-request cache on the user object.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@cache
def _sql() -> str:
    user = get_user_model()
    qn = connection.ops.quote_name
    perm = Permission._meta
    content_type = ContentType._meta
    own = user._meta.get_field("user_permissions").remote_field.through._meta
    membership = user._meta.get_field("groups").remote_field.through._meta
    granted = Group._meta.get_field("permissions").remote_field.through._meta

    def column(meta: Any, target: type) -> str:
        """The through table's column that points at ``target``."""
        return qn(next(f.column for f in meta.fields if f.is_relation and f.related_model is target))

    # Names from the models' metadata, quoted; the user id goes as a parameter.
    return (
        f"SELECT ct.{qn('app_label')}, p.{qn('codename')} "  # noqa: S608
        f"FROM {qn(perm.db_table)} p JOIN {qn(content_type.db_table)} ct "
        f"ON ct.{qn('id')} = p.{qn(perm.get_field('content_type').column)} "
        f"WHERE p.{qn('id')} IN ("
        f"SELECT {column(own, Permission)} FROM {qn(own.db_table)} WHERE {column(own, user)} = %s "
        f"UNION SELECT g.{column(granted, Permission)} FROM {qn(granted.db_table)} g "
        f"JOIN {qn(membership.db_table)} m ON m.{column(membership, Group)} = g.{column(granted, Group)} "
        f"WHERE m.{column(membership, user)} = %s)"
    )


class PermissionBackend(ModelBackend):
    """``ModelBackend`` whose permission check costs one query per request."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_sql(), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache
