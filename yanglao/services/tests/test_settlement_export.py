"""The settlement statement as .xlsx: it opens, formula-like text stays inert text, names are masked and no
identity number or phone is in it. Read with python-calamine (the project's workbook reader; openpyxl is not a
dependency) and, for the cell styles, the file's own XML."""

import io
import zipfile

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from yanglao.people.tests import factories as people_factories
from yanglao.services import services
from yanglao.services.models import SettlementException
from yanglao.services.tests.settlement_builders import MONTH, alert, order, provider_with_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(client, street_officer):
    sold, manager = provider_with_manager(name='=HYPERLINK("http://evil")居家服务社')
    elder = people_factories.elder(actor=street_officer, name="张晓明")
    plain = order(sold, elder, gov="30.00", own="15.00")
    late = order(sold, elder, gov="50.00", own="10.00", day=MONTH.replace(day=3))
    alert(late)
    s = services.settlement_prepare(actor=manager, provider_id=sold.provider_id, month="2026-03")
    row = SettlementException.objects.unscoped(reason="test").get(order=late)
    services.settlement_decide_exception(
        actor=street_officer, exception_id=row.pk, decision="cut", cut_yuan="12.50", note="-迟到核减"
    )
    client.force_login(manager)
    response = client.get(reverse("services:settlement_statement", args=[s.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return content, elder, plain, late


def _sheets(content):
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.sheet_names, {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_the_statement_opens_with_a_summary_and_an_order_sheet(statement):
    content, _elder, plain, late = statement
    names, sheets = _sheets(content)
    assert names == ["结算汇总", "工单明细"]
    summary = {r[0]: r[1] for r in sheets["结算汇总"][1:]}
    assert summary["结算月份"] == "2026年03月"
    assert summary["状态"] == "草稿"
    assert summary["政府支付（元）"] == pytest.approx(67.50)  # 30 + 50 - 12.50
    assert summary["已确认工单数"] == 2
    rows = sheets["工单明细"][1:]
    assert [r[0] for r in rows] == [plain.pk, late.pk]
    assert rows[0][1] == "2026-03-01" and rows[1][8] == "核减 12.50 元"


def test_formula_like_text_is_inert(statement):
    content, *_ = statement
    _names, sheets = _sheets(content)
    assert sheets["结算汇总"][1][1] == '=HYPERLINK("http://evil")居家服务社'  # the text as typed
    assert sheets["工单明细"][2][8] == "核减 12.50 元"
    with zipfile.ZipFile(io.BytesIO(content)) as xlsx:
        xml = "".join(xlsx.read(n).decode() for n in xlsx.namelist() if n.startswith("xl/worksheets/"))
        styles = xlsx.read("xl/styles.xml").decode()
    assert "<f>" not in xml and 'quotePrefix="1"' in styles  # shown as typed, never evaluated


def test_names_are_masked_and_no_numbers_leak(statement):
    content, elder, *_ = statement
    _names, sheets = _sheets(content)
    text = " ".join(str(v) for rows in sheets.values() for row in rows for v in row if v not in (None, ""))
    assert "张*明" in text and "张晓明" not in text
    assert elder.id_last4 not in text.replace(" ", "") or not elder.id_last4
    for secret in filter(None, [getattr(elder, "phone", ""), getattr(elder, "id_number", "")]):
        assert secret not in text
