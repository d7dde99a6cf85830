"""Scoped reads happen in selectors only: views, APIs and template tags never touch a scoped manager."""

import re
from pathlib import Path

from django.apps import apps

from yanglao.core.scoping import ScopedModel

ROOT = Path(__file__).resolve().parents[2]


def scoped_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if issubclass(m, ScopedModel)}


def edge_files() -> list[Path]:
    files = [
        *ROOT.glob("*/views.py"),
        *ROOT.glob("*/api.py"),
        *ROOT.glob("*/templatetags/*.py"),
        ROOT / "api.py",
    ]
    return [f for f in files if f.exists()]


def test_no_scoped_manager_in_views_apis_or_template_tags():
    names = scoped_model_names()
    assert "Organisation" in names
    pattern = re.compile(r"\b(" + "|".join(sorted(names)) + r")\.objects\b")
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{n}: {line.strip()}"
        for path in edge_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_every_unscoped_call_gives_a_reason():
    bare = re.compile(r"\.unscoped\(\s*\)")
    offenders = [str(p) for p in ROOT.rglob("*.py") if bare.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
