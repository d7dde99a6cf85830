"""Division loading (all or nothing, idempotent, every bad row reported) and the region pages."""

import pytest
from django.core.management import CommandError, call_command

from yanglao.core import errors, services
from yanglao.core.models import Region

pytestmark = pytest.mark.django_db


def write(tmp_path, text, name="d.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reloading_the_shipped_file_changes_nothing():
    from yanglao.core.demo import DATA

    result = services.region_load_file(path=DATA / "divisions.csv")
    assert result.created == result.updated == 0
    assert result.unchanged == result.rows > 10_000


def test_load_creates_updates_and_accepts_short_codes(tmp_path):
    path = write(
        tmp_path, "code,name,parent_code,generated\n310104003901,演示居委会,,1\n310104003,天平路街道(新),,\n"
    )
    result = services.region_load_file(path=path)
    assert (result.created, result.updated) == (1, 1)
    new = Region.objects.get(code="310104003901")
    assert (new.level, new.parent_id, new.generated) == ("village", "310104003000", True)
    assert Region.objects.get(code="310104003000").name == "天平路街道(新)"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("id,title\n1,x\n", "缺少表头"),
        ("code,name\n310104003902,好的\n31010400390,坏代码\n", "第 3 行 code"),
        ("code,name\n310104003901,\n", "名称不能为空"),
        ("code,name\n310104003901,甲\n310104003901,乙\n", "重复"),
        ("code,name,parent_code\n310104003901,甲,310104777000\n", "上级区划 310104777000 不存在"),
        ("code,name\n999901000000,孤儿\n", "上级区划 999900000000 不存在"),
    ],
)
def test_malformed_files_are_refused_whole(tmp_path, text, reason):
    before = Region.objects.count()
    with pytest.raises(errors.DivisionFileInvalid, match=reason):
        services.region_load_file(path=write(tmp_path, text))
    assert Region.objects.count() == before


def test_every_bad_row_is_listed_and_nothing_is_written(tmp_path):
    bad = write(tmp_path, "code,name\n310104003903,好的\n12,\nabc,坏\n310104003903,重\n")
    with pytest.raises(errors.DivisionFileInvalid) as caught:
        services.region_load_file(path=bad)
    assert "3 处错误" in caught.value.message
    for row in ("第 3 行", "第 4 行", "第 5 行"):
        assert row in caught.value.message
    assert not Region.objects.filter(code="310104003903").exists()


def test_unreadable_file_and_cli_errors_are_chinese(tmp_path):
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00\x00garbage")
    with pytest.raises(CommandError, match="无法读取区划文件"):
        call_command("load_divisions", str(binary))
    with pytest.raises(CommandError, match="无法读取区划文件"):
        call_command("load_divisions", str(tmp_path / "missing.csv"))


def test_region_pages_show_the_tree_with_scoped_counts(client, district_officer, street_officer):
    from yanglao.core.testing import factories

    factories.organisation(region_code="310104003001", name="天平一号")
    factories.organisation(region_code="310104004001", name="湖南一号")
    client.force_login(district_officer)
    page = client.get("/regions/310104000000/").content.decode()
    assert "天平路街道" in page and "华泾镇" in page
    client.force_login(street_officer)
    assert client.get("/regions/").status_code == 302  # one root: straight to it
    page = client.get("/regions/310104003000/").content.decode()
    assert "湖南路" not in page
    assert client.get("/regions/310104004000/").status_code == 404
    assert client.get("/regions/310104000000/").status_code == 404
    assert client.get("/regions/nonsense/").status_code == 404
