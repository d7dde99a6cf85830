"""Write a synthetic elders workbook (the import template's columns) with N valid rows.

    python bench/make_elders_workbook.py 1000000 var/bench/elders-1000000.xlsx

Rows are valid and distinct (unique ID numbers), spread over Xuhui's 313 residents' committees.
"""

import datetime as dt
import random
import sys
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yanglao.core import idcard

HEADERS = ["姓名", "公民身份号码", "联系电话", "居住地址", "社区代码", "居住情况", "经济状况"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "国建明德志华永文金根宝林海荣伟秀英兰珍芳玉凤美丽娟萍琴梅霞桂敏静"
LIVING = ["独居", "仅与配偶同住（纯老）", "与子女同住", "与子女同住", "与子女同住", "入住机构"]
ECONOMIC = ["一般"] * 20 + ["低保", "低保边缘", "低收入", "特困供养"]


def committees() -> list[str]:
    path = Path(__file__).resolve().parent.parent / "yanglao" / "core" / "data" / "divisions.csv"
    return [
        line.split(",")[0]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("310104") and not line.split(",")[0].endswith("000")
    ]


def rows(n: int, seed: int = 1):
    rng = random.Random(seed)
    codes = committees()
    start = dt.date(1925, 1, 1)
    for i in range(n):
        birth = start + dt.timedelta(days=i % 14_600)  # 1925–1964: everyone is 60+
        number = idcard.make("310104", birth, i // 14_600 % 1000)
        yield [
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            number,
            f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
            f"上海市徐汇区某路{rng.randint(1, 999)}号",
            rng.choice(codes),
            rng.choice(LIVING),
            rng.choice(ECONOMIC),
        ]


def main(n: int, path: Path) -> None:
    if n > 14_600 * 1000:
        raise SystemExit("at most 14.6 million distinct IDs with this scheme")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for r, values in enumerate(rows(n), start=1):
        for c, value in enumerate(values):
            sheet.write_string(r, c, value)
    workbook.close()


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
