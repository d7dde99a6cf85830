"""yanglao coverage --region CODE --kind KIND --radius 1000 [--json] [--user NAME]"""

import json

from django.core.management.base import BaseCommand, CommandError

from yanglao.core.management.actors import USER_HELP, audited, command_actor
from yanglao.core.models import Region
from yanglao.facilities import selectors
from yanglao.facilities.choices import FacilityKind
from yanglao.facilities.network import NetworkError


class Command(BaseCommand):
    help = "服务圈覆盖率：某区划内老人在某类设施一定半径内的比例（按下级区划）"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--kind", required=True, choices=FacilityKind.values)
        parser.add_argument("--radius", type=float, default=1000.0)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--network", help="道路网络 GeoJSON（WGS-84 线要素），按步行距离计算")
        parser.add_argument("--user", help=USER_HELP)

    @audited
    def handle(self, *args, region, kind, radius, json: bool, user, network, **options):
        actor = command_actor(user)
        if not Region.objects.filter(code=region).exists():
            raise CommandError(f"区划代码 {region} 不存在")
        if radius <= 0:
            raise CommandError("半径必须大于 0")
        roads = None
        if network:
            try:
                roads = selectors.road_network(network)
            except NetworkError as exc:
                raise CommandError(str(exc)) from exc
        report = selectors.coverage_report(
            user=actor, region_code=region, kind=kind, radius=radius, roads=roads
        )
        if json:
            self.stdout.write(_dumps(report.as_json()))
            return
        how = "步行" if roads else "直线"
        self.stdout.write(
            f"{FacilityKind(kind).label} {how} {radius:.0f} 米服务圈：{report.covered}/{report.elders}"
            f"（{report.share:.1%}）"
        )
        for row in report.by_region:
            self.stdout.write(f"  {row['name']}：{row['covered']}/{row['elders']}（{row['share']:.1%}）")


def _dumps(payload) -> str:
    return json.dumps(payload, ensure_ascii=False)
