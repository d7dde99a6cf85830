"""yanglao seed --profile xuhui --scale 0.05 --seed 1 [--steps people,facilities]: build or top up the demo
district, every step or only the named ones and the steps they need."""

import time

from django.core.management.base import BaseCommand, CommandError

from yanglao.core import dbstats, demo
from yanglao.core.management.actors import audited


class Command(BaseCommand):
    help = "生成演示数据（以徐汇区为模型的合成数据），可重复运行"

    def add_arguments(self, parser):
        parser.add_argument("--profile", default="xuhui")
        parser.add_argument("--scale", type=float, default=0.05, help="1 = 320,100 people aged 60+")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--steps",
            default="",
            help="只运行这些步骤（逗号分隔的步骤名或应用名，如 people,facilities），及其依赖的步骤；默认全部",
        )

    @audited
    def handle(self, *args, profile, scale, seed, steps, **options):
        started = time.monotonic()
        names = [name.strip() for name in steps.split(",") if name.strip()] or None
        try:
            ctx = demo.run(profile=profile, scale=scale, seed=seed, steps=names, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        # Statistics for the planner on everything the steps wrote (PostgreSQL's autovacuum would wait).
        dbstats.analyze(*demo.seeded_models())
        self.stdout.write(
            f"演示数据就绪（{time.monotonic() - started:.1f} 秒）。演示账号（密码均为 {demo.DEMO_PASSWORD}）："
        )
        for role, username, scope in ctx.accounts:
            self.stdout.write(f"  {role:<8} {username:<12} {scope}")
