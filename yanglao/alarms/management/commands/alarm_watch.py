"""``yanglao alarm-watch``: one pass of the device watch now (the periodic job runs it every minute): silent
devices go offline with an alarm, people living alone without door or motion activity raise one."""

import json

from django.core.management.base import BaseCommand

from yanglao.alarms.services import watch
from yanglao.core.management.actors import audited


class Command(BaseCommand):
    help = "设备巡检：超时未上报的设备标记离线并报警，独居老人长时间无活动报警"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    @audited
    def handle(self, *args, as_json: bool, **options):
        result = watch.alarm_watch()
        if as_json:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"设备离线 {result['offline']} 台，独居无活动报警 {result['no_activity']} 人")
