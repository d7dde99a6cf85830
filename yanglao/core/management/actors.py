"""Who a management command acts as: ``--user NAME`` (its scope applies), or the first active superuser."""

from django.core.management.base import CommandError

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
