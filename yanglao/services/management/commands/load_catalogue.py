"""``yanglao load-catalogue``: bring the shipped service catalogue and its default rules up to date (a district's
own rules are kept)."""

from django.core.management.base import BaseCommand

from yanglao.core.management.actors import audited
from yanglao.services import services


class Command(BaseCommand):
    help = "载入或更新服务目录及其默认签到规则（各区自定的规则保留）"

    @audited
    def handle(self, *args, **options):
        result = services.catalogue_load()
        self.stdout.write(
            f"服务目录：{result['items']} 项（新增 {result['created']}，更新 {result['updated']}）"
        )
