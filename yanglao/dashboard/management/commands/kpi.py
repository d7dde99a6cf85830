"""``yanglao kpi --region CODE [--period YYYY-MM] [--json] [--refresh]``: every indicator of a region and
month, as a table or as the API's JSON."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yanglao.core import audit
from yanglao.core.errors import DomainError, NotFound
from yanglao.core.indicators import Period
from yanglao.dashboard import selectors, services


class Command(BaseCommand):
    help = "打印一个区划一个统计期的全部规划指标（--json 输出与 GET /api/v1/indicators 相同）"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="12位区划代码")
        parser.add_argument("--period", default="", help="统计期 YYYY-MM（默认：最近已汇总的月份）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--refresh", action="store_true", help="先重新汇总该统计期")

    def handle(self, *args, region: str, period: str, json: bool, refresh: bool, **options):
        try:
            if refresh:
                with audit.acting_as(None, via="命令行：yanglao kpi --refresh"):
                    month = selectors.period_for(period) if period else Period.of(timezone.localdate())
                    done = services.refresh(period=month)
                self.stderr.write(f"已汇总 {done.period}：{done.rows} 行，{done.seconds:.1f} 秒")
            data = selectors.overview(user=None, region_code=region, period_text=period or None)
        except NotFound as exc:
            raise CommandError(f"区划 {region} 不存在") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        answer = selectors.as_json(data)
        if json:
            self.stdout.write(_dumps(answer))
            return
        self.stdout.write(f"{answer['region_name']}（{answer['region']}） {answer['period']}")
        for row in answer["indicators"]:
            value = "—" if row["value"] is None else f"{row['value']:g}"
            target = (
                ""
                if row["target"] is None
                else f"目标 {row['comparator']} {row['target']:g}（{row['target_year']}）"
            )
            self.stdout.write(
                f"{row['code']:<30} {row['name']:<24} {value:>12} {row['unit']:<4} {target} {row['status_label']}"
                + (f" 预计 {row['projected_date']}" if row["projected_date"] else "")
            )


def _dumps(answer: dict) -> str:
    return json.dumps(answer, ensure_ascii=False, indent=2)
