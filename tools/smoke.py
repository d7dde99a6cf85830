"""Smoke test of a production install: the pages a person opens first, served as production serves them.

In a temporary var directory with freshly generated keys, under ``yanglao.settings.production``: migrate a
SQLite database, seed a small demo district, ``collectstatic`` (manifest storage, which aborts on a
stylesheet or script that names a missing file), then start gunicorn on a free loopback port and, sending
``X-Forwarded-Proto: https`` as nginx does, load the login page, log in as a demo user, open a list, the
public map, the public map's data and the API documentation, and every stylesheet and script those pages
name (status 200 and a hashed file name), and every file those stylesheets name. Stops the server and exits
non-zero on the first failure. Run by .ci/run; standard library only.

    .venv/bin/python tools/smoke.py [--keep]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEMO_USER, DEMO_PASSWORD = "tianping", "Yanglao2026demo"
HASHED = re.compile(r"\.[0-9a-f]{12}\.(?:css|js|png|svg|woff2?|ttf|gif|map)$")
ASSET = re.compile(r"""<(?:link[^>]*\bhref|script[^>]*\bsrc)="(/static/[^"]+)\"""")
CSS_URL = re.compile(r"""url\(\s*['"]?(?!data:|#|https?:)([^'")]+)['"]?\s*\)""")


class SmokeFailure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YANGLAO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="yanglao.settings.production",
        YANGLAO_VAR_DIR=str(var_dir),
        YANGLAO_SECRET_KEY=secrets.token_urlsafe(60),
        YANGLAO_FIELD_KEY=base64.b64encode(os.urandom(32)).decode(),
        YANGLAO_INDEX_KEY=base64.b64encode(os.urandom(32)).decode(),
        YANGLAO_ALLOWED_HOSTS="127.0.0.1",
        YANGLAO_LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 -- our own interpreter and arguments
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SmokeFailure(
            f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    print(f"  manage.py {args[0]}: ok ({time.monotonic() - started:.1f} s)")


class Browser:
    """A client that behaves like a browser behind the TLS proxy: keeps cookies (secure ones included,
    since the proxy speaks HTTPS to the person) and sends the proxy's X-Forwarded-Proto."""

    def __init__(self, port: int):
        self.port, self.cookies = port, SimpleCookie()
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method: str, path: str, *, body: dict | None = None, proxied: bool = True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "yanglao-smoke"}
        if proxied:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + path,
                }
            )
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        conn.close()
        return response, content

    def get(
        self, path: str, *, expect: int = 200, proxied: bool = True
    ) -> tuple[http.client.HTTPResponse, str]:
        response, content = self.request("GET", path, proxied=proxied)
        if response.status != expect:
            raise SmokeFailure(f"GET {path}: {response.status}, expected {expect}\n{content[:2000]!r}")
        return response, content.decode("utf-8", "replace")


def check_assets(browser: Browser, page: str, html: str, seen: set[str]) -> int:
    """Every stylesheet and script the page names answers 200 under a hashed name; so does every file
    those stylesheets name."""
    assets = ASSET.findall(html)
    if not assets:
        raise SmokeFailure(f"{page} names no static file")
    count = 0
    queue = list(assets)
    while queue:
        path = urlsplit(queue.pop()).path
        if path in seen:
            continue
        seen.add(path)
        if not HASHED.search(path):
            raise SmokeFailure(f"{page}: {path} is not a hashed (manifest) name")
        _, body = browser.get(path)
        count += 1
        if path.endswith(".css"):
            queue.extend(urljoin(path, ref) for ref in CSS_URL.findall(body))
    return count


def smoke(port: int) -> int:
    browser = Browser(port)
    checks, seen = 0, set()

    response, _ = browser.get("/login/", expect=301, proxied=False)
    if not response.headers.get("Location", "").startswith("https://"):
        raise SmokeFailure("a plain-HTTP request is not redirected to HTTPS")
    checks += 1

    _, html = browser.get("/login/")
    if "账号登录" not in html:
        raise SmokeFailure("the login page does not show its form")
    checks += 1 + check_assets(browser, "/login/", html, seen)
    token = browser.cookies.get("csrftoken")
    if token is None:
        raise SmokeFailure("the login page set no CSRF cookie")
    response, content = browser.request(
        "POST",
        "/login/",
        body={
            "username": DEMO_USER,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": token.value,
            "next": "",
        },
    )
    if response.status != 302:
        raise SmokeFailure(f"login as {DEMO_USER} failed: {response.status}\n{content[:2000]!r}")
    if "sessionid" not in browser.cookies:
        raise SmokeFailure("login set no session cookie")
    checks += 1

    _, html = browser.get("/elders/")
    if "老年人" not in html:
        raise SmokeFailure("/elders/ does not show the registry")
    checks += 1 + check_assets(browser, "/elders/", html, seen)

    _, html = browser.get("/map/")
    checks += 1 + check_assets(browser, "/map/", html, seen)
    _, body = browser.get("/api/v1/public/facilities?limit=500")
    try:
        page = json.loads(body)
    except ValueError:
        page = None
    if (
        not isinstance(page, dict)
        or not isinstance(page.get("items"), list)
        or not page["items"]
        or "next" not in page
    ):
        raise SmokeFailure("the public map's facility list is not a keyset page of facilities")
    checks += 1

    _, html = browser.get("/api/v1/docs")
    if "cdn." in html or "swagger-ui-bundle" not in html:
        raise SmokeFailure("/api/v1/docs does not run Swagger UI from our own files")
    checks += 1 + check_assets(browser, "/api/v1/docs", html, seen)
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and server log")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="yanglao-smoke-"))
    env = environment(var_dir)
    server = None
    log_path = var_dir / "gunicorn.log"
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed", "--profile", "xuhui", "--scale", "0.002", "--seed", "1")
        manage(env, "collectstatic", "--no-input", "-v0")
        port = free_port()
        with log_path.open("w") as log:
            server = subprocess.Popen(  # noqa: S603 -- our own gunicorn
                [
                    str(GUNICORN),
                    "yanglao.wsgi",
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{port}",
                    "--timeout",
                    "60",
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SmokeFailure(f"gunicorn exited with {server.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SmokeFailure("gunicorn did not listen within 60 s") from None
                time.sleep(0.2)
        checks = smoke(port)
        print(f"smoke test passed: {checks} checks against gunicorn on 127.0.0.1:{port}")
        return 0
    except SmokeFailure as exc:
        print(f"smoke test FAILED: {exc}", file=sys.stderr)
        if log_path.exists():
            print("--- gunicorn log ---", file=sys.stderr)
            print(log_path.read_text()[-5000:], file=sys.stderr)
        return 1
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
