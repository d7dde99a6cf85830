"""yanglao load-divisions [FILE]: import division codes (default: the shipped extract). All or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yanglao.core import services
from yanglao.core.errors import DomainError
from yanglao.core.management.actors import audited

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "divisions.csv"


class Command(BaseCommand):
    help = "导入统计用区划代码（CSV：code,name[,parent_code][,generated]），全部成功或全部不导入"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    @audited
    def handle(self, *args, file, **options):
        try:
            result = services.region_load_file(path=file)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"区划：共 {result.rows} 行，新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}"
        )
