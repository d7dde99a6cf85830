"""One error code per condition (platform kit, item 6): every refusal in the code names its own code, so logs,
API clients and tests tell conditions apart without reading the Chinese message."""

import re
from collections import Counter
from pathlib import Path

import yanglao

ROOT = Path(yanglao.__file__).parent
CODE = re.compile(r"""\bcode\s*=\s*"([a-z_]+\.[a-z_]+)\"""")


def _codes() -> Counter:
    found: Counter = Counter()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found.update(CODE.findall(path.read_text(encoding="utf-8")))
    return found


def test_no_code_is_used_for_two_conditions():
    repeated = {code: n for code, n in _codes().items() if n > 1}
    assert repeated == {}


def test_codes_are_namespaced_by_their_module():
    modules = {p.name for p in ROOT.iterdir() if p.is_dir()}
    assert {code.split(".")[0] for code in _codes()} <= modules
