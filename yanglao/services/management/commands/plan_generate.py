"""``yanglao plan-generate``: place the coming days' orders of every active recurring plan (周期服务计划).
Safe to run any number of times: each plan's day is placed once."""

from django.core.management.base import BaseCommand

from yanglao.core.management.actors import audited
from yanglao.services import services


class Command(BaseCommand):
    help = "按周期服务计划生成未来若干天的预约（可重复运行，不会重复下单）"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14, help="生成未来多少天（默认 14）")

    @audited
    def handle(self, *args, **options):
        r = services.plan_generate(days_ahead=options["days"])
        self.stdout.write(
            f"周期服务计划：{r['plans']} 个；新下单 {r['placed']}，已有 {r['existing']}，"
            f"未受理 {r['refused']}，自动停止 {r['stopped']}"
        )
