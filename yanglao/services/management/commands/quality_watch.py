"""``yanglao quality-watch``: one pass of the quality watcher now (the periodic job runs it every 5 minutes)."""

from django.core.management.base import BaseCommand

from yanglao.core.management.actors import audited
from yanglao.services import services


class Command(BaseCommand):
    help = "服务质量巡检：未按时签到、未签退的工单生成异常，逾期未答复或未办结的投诉升级"

    @audited
    def handle(self, *args, **options):
        result = services.quality_watch()
        self.stdout.write(
            f"未按时签到 {result['no_show']} 单，未签退 {result['no_checkout']} 单，"
            f"投诉升级 {result['escalated']} 件"
        )
