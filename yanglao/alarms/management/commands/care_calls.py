"""``yanglao care-calls [--date YYYY-MM-DD]``: give out a day's proactive care calls (主动关怀), as the nightly
job does. Safe to run any number of times: a person gets at most one call a day and none while one waits."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yanglao.alarms.services import care
from yanglao.core.management.actors import audited


class Command(BaseCommand):
    help = "生成某日的主动关怀电话并分配给坐席（可重复运行，不会重复生成）"

    def add_arguments(self, parser):
        parser.add_argument("--date", default="", help="应拨日期 YYYY-MM-DD（默认今天）")

    @audited
    def handle(self, *args, date: str, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from exc
        result = care.care_calls_generate(day=day)
        self.stdout.write(
            f"{day:%Y-%m-%d} 主动关怀：新生成 {result['created']} 个，"
            f"关怀对象 {result['people']} 人，撤销已死亡或迁出老人的待拨电话 {result['dropped']} 个"
        )
