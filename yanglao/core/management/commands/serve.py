"""yanglao serve: the whole platform in one process group — uvicorn for pages, API and events, plus the
huey consumer for background and periodic jobs. Production splits these (docs/deployment.md)."""

import signal
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动平台（网页、API 与后台任务）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    def handle(self, *args, host, port, no_worker, **options):
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "yanglao.cli", "run_huey", "--workers", "1"])
        self.stdout.write(f"养老服务综合平台已启动：http://{host}:{port}/  （按 Ctrl+C 停止）")
        try:
            uvicorn.run(
                settings.ASGI_APPLICATION.replace(".application", ":application"),
                host=host,
                port=port,
                log_level="warning",
                lifespan="off",
                server_header=False,  # do not name the server software
                # X-Forwarded-For is read by our middleware, from YANGLAO_TRUSTED_PROXIES only; uvicorn
                # would otherwise believe it from any connection on 127.0.0.1.
                proxy_headers=False,
            )
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGINT)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
