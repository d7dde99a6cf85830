"""yanglao load-boundaries FILE.geojson: store region boundaries (features with properties.code)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yanglao.core import services
from yanglao.core.management.actors import audited


class Command(BaseCommand):
    help = "导入区划边界（GeoJSON FeatureCollection，properties.code 为区划代码，WGS-84 经纬度）"

    def add_arguments(self, parser):
        parser.add_argument("file")

    @audited
    def handle(self, *args, file, **options):
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8-sig"))
            features = data["features"] if data.get("type") == "FeatureCollection" else [data]
        except (OSError, UnicodeDecodeError, ValueError, KeyError, AttributeError) as exc:
            raise CommandError(f"无法读取 GeoJSON 文件：{exc}") from exc
        result = services.region_boundaries_load(features=features, source=Path(file).name)
        for problem in result.problems:
            self.stderr.write(f"第 {problem['feature']} 个要素：{problem['reason']}")
        self.stdout.write(f"区划边界：导入 {result.loaded} 个，有误 {len(result.problems)} 个")
