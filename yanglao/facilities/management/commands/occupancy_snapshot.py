"""yanglao occupancy-snapshot [--date YYYY-MM-DD] [--days N]: (re)take daily bed occupancy snapshots."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yanglao.core.management.actors import audited
from yanglao.facilities import services


class Command(BaseCommand):
    help = "生成床位占用日快照（默认昨天；--days N 回补此前 N 天）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="快照日期，默认昨天")
        parser.add_argument("--days", type=int, default=1, help="从该日期起向前共几天")

    @audited
    def handle(self, *args, date, days, **options):
        try:
            last = dt.date.fromisoformat(date) if date else timezone.localdate() - dt.timedelta(days=1)
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from exc
        if not 1 <= days <= 3660:
            raise CommandError("天数应在 1 到 3660 之间")
        rows = 0
        for back in range(days - 1, -1, -1):
            rows += services.occupancy_snapshot_take(date=last - dt.timedelta(days=back))
        self.stdout.write(f"床位占用快照：{days} 天，{rows} 条")
