"""Every non-empty cell of the worksheet is accounted for: read into a named field, or listed
with the reason it is not read (issue 11, the rule; points 3 and 9)."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Border, Side

from excel import xlsx
from excel.xlsx import accounting
from goals.models import GoalSheet
from tests import factories
from tests.excel.importing import import_workbook
from tests.excel.views.conftest import db_state
from tests.excel.workbooks import accounting_workbook, simple_workbook, to_bytes

ROW = ["1", "窓口の改善", "施政方針", "・待ち時間が短い", "・受付の見直し", "12月", "市民課"]


def read(content: bytes) -> xlsx.ImportedSheet:
    return xlsx.workbook_read(content, filename="test.xlsx")


def uses_by_address(sheet) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for use in sheet.cells:
        found.setdefault(use.address, []).append(use.target or f"読み込まない: {use.reason}")
    return found


EXPECTED = {
    "A1": ["表題（年度・部の確かめに使います）"],
    "G1": [f"読み込まない: {accounting.ABOVE_TABLE}"],
    "A2": ["「作成日」の見出し"],
    "B2": ["作成日・見直し日"],
    "D2": ["「職名」の見出し"],
    "E2": ["署名者の職名"],
    "F2": ["「氏名」の見出し"],
    "G2": ["署名者の氏名"],
    "A4": ["見出し（番号）"],
    "B4": ["見出し（実施項目）"],
    "G4": ["見出し（共通/課名）"],
    "H4": [f"読み込まない: {accounting.UNMAPPED_HEADING}"],
    "A5": ["1件目の実施項目（番号1）の番号"],
    "B5": ["1件目の実施項目（番号1）の実施項目"],
    "D5": ["1件目の実施項目（番号1）の達成水準", "読み込まない: 取り消し線（見え消し）"],
    "H5": ["読み込まない: 読み込まない列（見出し「備考」）"],
    "I5": ["読み込まない: 非表示の列"],
    "B6": ["2件目の実施項目（番号2）の実施項目"],
    "A7": ["読み込まない: 非表示の行"],
    "B7": ["読み込まない: 非表示の行"],
    "B8": ["3件目の実施項目（番号3）の実施項目"],
    "F8": ["読み込まない: 取り消し線（見え消し）"],
    "D9": [f"読み込まない: {accounting.PAGE_NUMBER}"],
    "A10": [f"読み込まない: {accounting.REPEATED_TITLE}"],
    "A11": [f"読み込まない: {accounting.REPEATED_TITLE}"],
    "B11": [f"読み込まない: {accounting.REPEATED_TITLE}"],
    "A12": [f"読み込まない: {accounting.REPEATED_HEADING}"],
    "G12": [f"読み込まない: {accounting.REPEATED_HEADING}"],
    "A13": ["4件目の実施項目（番号4）の番号"],
    "G13": ["4件目の実施項目（番号4）の共通/課名"],
    "A15": [f"読み込まない: {accounting.NOTE}"],
    "G16": [f"読み込まない: {accounting.PAGE_NUMBER}"],
    "K20": ["読み込まない: 見出しのない列（表の外）"],
}


def test_every_non_empty_cell_is_accounted_for_cell_by_cell():
    content = accounting_workbook()
    sheet = read(content)
    uses = uses_by_address(sheet)
    typed = {
        cell.coordinate
        for row in load_workbook(io.BytesIO(content)).active.iter_rows()
        for cell in row
        if cell.value not in (None, "")
    }
    assert set(uses) == typed  # every cell, no more
    assert all(use.target or use.reason for use in sheet.cells)
    for address, expected in EXPECTED.items():
        assert uses[address] == expected, address
    struck = [use for use in sheet.cells if use.address == "D5" and use.reason]
    assert struck[0].value == "・窓口を増やす"
    assert sheet.accounting == {"all": 68, "read": 41, "unread": 14, "layout": 13}


def test_what_is_left_out_never_becomes_an_item_and_no_row_is_dropped_for_a_word():
    sheet = read(accounting_workbook())
    items = [item.data for item in sheet.items]
    assert [(item.number, item.title) for item in items] == [
        (1, "窓口の改善"),
        (2, "組織目標展開整理表の様式の見直し"),
        (3, "三つ目"),
        (4, "四つ目"),
    ]
    first, second, third, fourth = items
    assert first.achievement == ["待ち時間が短い"]  # the struck run is not read
    assert first.method == ["受付の見直し"] and first.deadline == "12月"
    assert first.sections == ["市民課"] and not first.common
    assert second.achievement == ["作成日を揃える"] and second.method == ["様式を改める"]
    assert third.deadline == ""  # struck through: not read, and listed
    assert fourth.deadline == "随時" and fourth.sections == ["経済課"]
    assert sheet.problems == []


@pytest.mark.django_db
def test_the_stored_sheet_holds_what_the_accounting_says(org):
    for name in ("施政方針", "その他"):
        factories.CategoryFactory(name=name)
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()
    sheet = import_workbook(accounting_workbook(), org.fiscal_year.year, "市民部")
    stored = list(sheet.items.order_by("position"))
    assert [(item.number, item.title) for item in stored] == [
        (1, "窓口の改善"),
        (2, "組織目標展開整理表の様式の見直し"),
        (3, "三つ目"),
        (4, "四つ目"),
    ]
    first = stored[0]
    assert first.category.name == "施政方針"
    assert first.achievement == "待ち時間が短い"
    assert first.method == "受付の見直し"
    assert first.deadline == "12月"
    assert [s.name for s in first.sections.all()] == ["市民課"]
    assert stored[2].deadline == "" and stored[2].achievement == "c"
    assert stored[3].deadline == "随時"


def test_rich_text_wholly_struck_is_not_read_and_a_plain_sheet_has_nothing_unread():
    sheet = read(simple_workbook([ROW]))
    assert sheet.unread_cells == []
    assert sheet.accounting["unread"] == 0
    wb = load_workbook(io.BytesIO(simple_workbook([ROW, ["2", *ROW[1:]]])), rich_text=True)
    wb.active["B6"] = CellRichText([TextBlock(InlineFont(strike=True), "消した項目")])
    sheet = read(to_bytes(wb))
    assert [item.data.title for item in sheet.items] == ["窓口の改善", ""]
    assert [(use.address, use.value, use.reason) for use in sheet.unread_cells] == [
        ("B6", "消した項目", "取り消し線（見え消し）")
    ]
    assert "実施項目が空欄です。" not in [p.message for p in sheet.problems]  # continues item 1


def test_a_sheet_whose_borders_run_to_row_6000_is_not_too_big():
    wb = load_workbook(io.BytesIO(simple_workbook([[str(n), *ROW[1:]] for n in range(1, 26)])))
    ws = wb.active
    thin = Side(style="thin")
    for row in range(30, 6001):
        ws.cell(row, 1).border = Border(left=thin, right=thin, top=thin, bottom=thin)
        ws.cell(row, 7).number_format = "@"
    sheet = read(to_bytes(wb))
    assert len(sheet.items) == 25 and sheet.problems == []


def test_rows_with_content_over_the_limit_are_refused():
    wb = Workbook()
    ws = wb.active
    for column, label in enumerate(["番号", "実施項目", "分類", "どの水準まで", "方法"], start=1):
        ws.cell(1, column, label)
    for row in range(2, xlsx.MAX_ROWS + 3):
        ws.cell(row, 1, row)
    with pytest.raises(xlsx.WorkbookError, match="内容のある行は5,000行"):
        read(to_bytes(wb))


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return 1, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_xlsx_prints_the_accounting_and_refuses_unread_content(org, tmp_path):
    for name in ("施政方針", "その他"):
        factories.CategoryFactory(name=name)
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(accounting_workbook())
    year = str(org.fiscal_year.year)
    before = db_state()
    code, out, err = run("import_xlsx", str(path), "--year", year, "--department", "市民部")
    assert code == 1
    assert "読み込まない内容:" in out
    assert "  H5「要調整」→ 読み込まない: 読み込まない列（見出し「備考」）" in out.splitlines()
    assert "  D5「・窓口を増やす」→ 読み込まない: 取り消し線（見え消し）" in out.splitlines()
    assert "  A7「3」→ 読み込まない: 非表示の行" in out.splitlines()
    assert "読み込まない内容が 14件あります" in err and "--allow-unread" in err
    assert db_state() == before
    code, out, err = run(
        "import_xlsx", str(path), "--year", year, "--department", "市民部", "--allow-unread"
    )
    assert code == 0, err
    assert "読み込みました" in out
    sheet = GoalSheet.objects.get(fiscal_year=org.fiscal_year, department=org.dept_a)
    assert sheet.items.count() == 4
    code, out, _ = run(
        "import_xlsx",
        str(path),
        "--year",
        year,
        "--department",
        "市民部",
        "-v",
        "2",
        "--replace",
        "--yes",
    )
    assert "  B6「組織目標展開整理表の様式の見直し」→ 2件目の実施項目（番号2）の実施項目" in out
