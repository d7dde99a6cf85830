"""Who a management command acts as: ``--user NAME`` (its scope applies), or the first active superuser; and
``@audited``, which names that account (or the system account, for commands without ``--user``) in every
audit entry the command writes."""

import functools
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yanglao.core import audit
from yanglao.core.models import User

USER_HELP = "act as this account (its scope applies); default: first superuser"


def command_actor(username: str | None) -> User:
    actor = (
        User.objects.filter(username=username).first()
        if username
        else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )
    if actor is None:
        raise CommandError(
            f"找不到用户 {username}" if username else "没有可用的系统管理员账号，请用 --user 指定"
        )
    return actor


def audited(handle: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate ``Command.handle``: what it writes is audited as the command's actor, with the command's
    name (``命令行：import-elders``) as the source."""

    @functools.wraps(handle)
    def run(self: BaseCommand, *args: Any, **options: Any) -> Any:
        actor = command_actor(options["user"]) if "user" in options else None
        name = type(self).__module__.rsplit(".", 1)[-1].replace("_", "-")
        with audit.acting_as(actor, via=f"命令行：{name}"):
            return handle(self, *args, **options)

    return run
