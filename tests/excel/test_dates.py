"""Dates and deadlines as typed in real sheets (issue 11, point 5), read and stored."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from excel import xlsx
from goals.models import GoalSheet
from tests import factories
from tests.excel.importing import import_workbook
from tests.excel.workbooks import simple_workbook, to_bytes

ROW = ["1", "窓口の改善", "その他", "・待ち時間が短い", "・受付の見直し", "12月", "市民課"]
ABOVE = {"A1": "令和8年度 組織目標展開整理表（部の組織目標）", "D2": "職名", "E2": "市民部長"}
ABOVE |= {"F2": "氏名", "G2": "玉井 理加"}


def read(content: bytes) -> xlsx.ImportedSheet:
    return xlsx.workbook_read(content, filename="test.xlsx")


def with_deadline_cells(formats: dict[int, str]) -> bytes:
    rows = [[str(n), f"項目{n}", "その他", "・a", "・b", None, "市民課"] for n in (1, 2, 3)]
    wb = load_workbook(io.BytesIO(simple_workbook(rows)))
    ws = wb.active
    for row, number_format in formats.items():
        ws.cell(row, 6, datetime.datetime(2026, 12, 1))
        ws.cell(row, 6).number_format = number_format
    return to_bytes(wb)


def test_a_date_cell_shown_as_a_month_is_a_month():
    content = with_deadline_cells({5: 'm"月"', 6: '[$-ja-JP]ggge"年"m"月"', 7: "yyyy/m/d"})
    deadlines = [item.data.deadline for item in read(content).items]
    assert deadlines == ["12月", "令和8年12月", "令和8年12月1日"]


@pytest.mark.django_db
def test_deadlines_are_stored_with_their_due_date(org):
    factories.CategoryFactory(name="その他")
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()
    typed = ["R8.12", "令和8年12月末", "上半期", "第3四半期", "年度内"]
    rows = [
        [str(n), f"項目{n}", "その他", "・a", "・b", deadline, "市民課"]
        for n, deadline in enumerate(typed, start=1)
    ]
    wb = load_workbook(io.BytesIO(simple_workbook(rows)))
    wb.active.cell(10, 1, "6")
    for column, value in enumerate(["項目6", "その他", "・a", "・b"], start=2):
        wb.active.cell(10, column, value)
    wb.active.cell(10, 6, datetime.datetime(2026, 12, 1)).number_format = 'ggge"年"m"月"'
    wb.active.cell(10, 7, "市民課")
    content = to_bytes(wb)
    sheet = import_workbook(content, org.fiscal_year.year, "市民部")
    stored = [
        (item.deadline, item.deadline_kind, item.deadline_due)
        for item in sheet.items.order_by("position")
    ]
    year = org.fiscal_year.year
    assert stored == [
        ("R8.12", "month", datetime.date(2026, 12, 31)),
        ("令和8年12月末", "month", datetime.date(2026, 12, 31)),
        ("上半期", "month", datetime.date(year, 9, 30)),
        ("第3四半期", "month", datetime.date(year, 12, 31)),
        ("年度内", "fiscal_year_end", datetime.date(year + 1, 3, 31)),
        ("令和8年12月", "month", datetime.date(2026, 12, 31)),
    ]


@pytest.mark.parametrize(
    ("cells", "created", "revisions"),
    [
        ({"A2": "作成日：令和8年4月1日"}, datetime.date(2026, 4, 1), []),
        ({"A2": "作成日: R8.4.1"}, datetime.date(2026, 4, 1), []),
        (
            {"A2": "作成日", "B2": "令和8年4月1日", "B3": "令和8年10月1日見直し"},
            datetime.date(2026, 4, 1),
            [datetime.date(2026, 10, 1)],
        ),
        (
            {"A2": "作成日", "B2": "H31.4.1", "B3": "R1.7.25 見直し"},
            datetime.date(2019, 4, 1),
            [datetime.date(2019, 7, 25)],
        ),
    ],
)
def test_created_and_revision_dates_in_the_forms_people_type(cells, created, revisions):
    sheet = read(simple_workbook([ROW], above=ABOVE | cells))
    assert sheet.problems == []
    assert (sheet.created_on, sheet.revisions) == (created, revisions)
    targets = {use.address: use.target for use in sheet.cells}
    for address in cells:
        assert targets[address], address
    assert sheet.unread_cells == []
