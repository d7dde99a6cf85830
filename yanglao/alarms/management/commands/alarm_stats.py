"""``yanglao alarm-stats [--since ISO] [--json]``: device messages received, accepted, duplicated and rejected
(both paths, every ingester) since a time, and the alarms not closed now. ``--json`` prints exactly
``{"received": N, "accepted": N, "duplicates": N, "rejected": N, "alarms_open": N}``. Counters are kept per
minute, so ``--since`` counts from the start of its minute. A bad time is an error with exit code 2."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from yanglao.alarms.selectors import ingest as selectors


def _since(raw: str):
    try:
        moment = parse_datetime(raw)
        if moment is None and (day := parse_date(raw)) is not None:
            moment = timezone.datetime(day.year, day.month, day.day)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f"时间格式无效：{raw}（应为 ISO-8601，如 2026-03-02T08:00+08:00）", returncode=2)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "设备消息接入统计（接收、受理、重复、拒收）和当前未结案的报警数"

    def add_arguments(self, parser):
        parser.add_argument("--since", default="", help="从此时间起统计（ISO-8601；不带时区按北京时间）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    def handle(self, *args, since: str, as_json: bool, **options):
        stats = selectors.ingest_stats(since=_since(since) if since else None)
        if as_json:
            self.stdout.write(json.dumps(stats))
            return
        self.stdout.write(
            f"接收 {stats['received']} 条，受理 {stats['accepted']}，重复 {stats['duplicates']}，"
            f"拒收 {stats['rejected']}；未结案报警 {stats['alarms_open']} 起"
        )
