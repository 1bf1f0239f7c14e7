"""Columns mapped, not guessed (issue 11, point 1): recognised, proposed or chosen; two-row and
merged headings read as one; the same mapping for import_xlsx."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from excel import xlsx
from excel.models import ColumnMapping
from excel.xlsx.mapping import CHOSEN, PROPOSED, RECOGNISED
from goals.models import GoalSheet
from tests import factories
from tests.excel.importing import import_workbook
from tests.excel.views.conftest import db_state
from tests.excel.workbooks import to_bytes


def read(content: bytes, **options) -> xlsx.ImportedSheet:
    return xlsx.workbook_read(content, filename="test.xlsx", **options)


def two_row_heading_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "令和8年度 組織目標展開整理表（部の組織目標）"
    ws["A2"], ws["B2"] = "作成日", "令和8年4月1日"
    for column, label in {"A": "番号", "B": "実施項目", "C": "計画・方針等の分類"}.items():
        ws[f"{column}4"] = label
        ws.merge_cells(f"{column}4:{column}5")
    ws["D4"] = "目標の達成に向けて"
    ws.merge_cells("D4:F4")
    ws["D5"], ws["E5"], ws["F5"] = "どの水準まで", "どのような方法で", "いつまで"
    ws["G4"] = "共通/課名"
    ws.merge_cells("G4:G5")
    for column, value in enumerate(
        ["1", "窓口の改善", "その他", "・待ち時間が短い", "・受付の見直し", "12月", "市民課"],
        start=1,
    ):
        ws.cell(6, column, value)
    return to_bytes(wb)


def other_words_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "令和8年度 組織目標展開整理表（部の組織目標）"
    ws["A2"], ws["B2"] = "作成日", "令和8年4月1日"
    header = ["番号", "目標項目", "分類", "目標水準", "方策", "達成時期", "担当課", "課題", "備考"]
    for column, label in enumerate(header, start=1):
        ws.cell(4, column, label)
    row = ["1", "窓口の改善", "その他", "・待ち時間が短い", "・受付の見直し", "12月", "市民課"]
    for column, value in enumerate([*row, "人手が足りない"], start=1):
        ws.cell(5, column, value)
    return to_bytes(wb)


def test_a_heading_over_two_rows_with_a_merged_group_label_is_read_as_one():
    sheet = read(two_row_heading_workbook())
    assert [(h.letter, h.heading, h.key, h.how) for h in sheet.headings] == [
        ("A", "番号", "number", RECOGNISED),
        ("B", "実施項目", "title", RECOGNISED),
        ("C", "計画・方針等の分類", "category", RECOGNISED),
        ("D", "目標の達成に向けて / どの水準まで", "achievement", RECOGNISED),
        ("E", "目標の達成に向けて / どのような方法で", "method", RECOGNISED),
        ("F", "目標の達成に向けて / いつまで", "deadline", RECOGNISED),
        ("G", "共通/課名", "carriers", RECOGNISED),
    ]
    assert (sheet.heading_row, sheet.header_row) == (4, 5)
    item = sheet.items[0].data
    assert (item.number, item.title, item.category) == (1, "窓口の改善", "その他")
    assert (item.achievement, item.method, item.deadline) == (
        ["待ち時間が短い"],
        ["受付の見直し"],
        "12月",
    )
    assert item.sections == ["市民課"]
    targets = {use.address: use.target for use in sheet.cells}
    assert targets["D4"] == "見出し（達成水準）" and targets["F5"] == "見出し（期限）"
    assert sheet.unread_cells == [] and sheet.problems == []


def test_other_words_are_proposed_only_when_clearly_the_same_and_the_rest_left_unread():
    sheet = read(other_words_workbook())
    assert [(h.letter, h.heading, h.key, h.how) for h in sheet.headings] == [
        ("A", "番号", "number", RECOGNISED),
        ("B", "目標項目", "title", PROPOSED),
        ("C", "分類", "category", RECOGNISED),
        ("D", "目標水準", "achievement", PROPOSED),
        ("E", "方策", "method", PROPOSED),
        ("F", "達成時期", "deadline", PROPOSED),
        ("G", "担当課", "carriers", RECOGNISED),
        ("H", "課題", "", ""),
        ("I", "備考", "", ""),
    ]
    unread = {use.address: use.reason for use in sheet.unread_cells}
    assert unread["H5"] == "読み込まない列（見出し「課題」）"
    assert sheet.items[0].data.method == ["受付の見直し"]


@pytest.mark.django_db
def test_a_chosen_mapping_is_what_is_stored(org):
    factories.CategoryFactory(name="その他")
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()
    content = other_words_workbook()
    mapping = xlsx.mapping_parse("H=indicator, E=-")
    sheet = read(content, mapping=mapping)
    by_letter = {h.letter: (h.key, h.how) for h in sheet.headings}
    assert by_letter["H"] == ("indicator", CHOSEN) and by_letter["E"] == ("", CHOSEN)
    assert {use.address: use.reason for use in sheet.unread_cells}["E5"] == (
        "読み込まない列（見出し「方策」）"
    )
    plan = xlsx.import_plan(sheet, fiscal_year=org.fiscal_year.year, department="市民部")
    assert plan.ok, plan.problems
    stored = import_workbook(content, org.fiscal_year.year, "市民部", mapping=mapping)
    item = stored.items.get()
    assert (item.title, item.indicator, item.method) == ("窓口の改善", "人手が足りない", "")
    assert item.achievement == "待ち時間が短い" and item.deadline == "12月"


def test_a_mapping_that_names_a_field_twice_or_no_title_is_a_problem():
    sheet = read(other_words_workbook(), mapping={"H": "title"})
    assert [p.message for p in sheet.problems] == [
        "「実施項目」が複数の列（B列、H列）に選ばれています。1つの列だけにしてください。"
    ]
    sheet = read(other_words_workbook(), mapping={"B": ""})
    assert "「実施項目」を読み込む列を選んでください。" in [p.message for p in sheet.problems]


@pytest.mark.parametrize(
    ("typed", "mapping"),
    [
        ("B=title,C=category", {"B": "title", "C": "category"}),
        ("b = 実施項目、 d=-", {"B": "title", "D": ""}),
        ("H=指標\nI=読み込まない", {"H": "indicator", "I": ""}),
        ('{"E": "method", "F": "期限"}', {"E": "method", "F": "deadline"}),
    ],
)
def test_mapping_in_the_forms_people_type(typed, mapping):
    assert xlsx.mapping_parse(typed) == mapping


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("B", "「B=title」の形"),
        ("1=title", "列の名前"),
        ("B=題名", "読み込み先「題名」はありません"),
    ],
)
def test_a_mapping_that_cannot_be_read_says_why(typed, message):
    with pytest.raises(ValueError, match=message):
        xlsx.mapping_parse(typed)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return 1, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_xlsx_prints_the_columns_and_takes_map_or_a_map_file(org, tmp_path):
    factories.CategoryFactory(name="その他")
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(other_words_workbook())
    args = ["import_xlsx", str(path), "--year", str(org.fiscal_year.year), "--department", "市民部"]
    before = db_state()
    code, out, err = run(*args)
    assert code == 1 and "--allow-unread" in err
    lines = out.splitlines()
    assert "  E列「方策」→ 方法（提案（確かめてください））" in lines
    assert "  H列「課題」→ 読み込まない" in lines
    assert db_state() == before
    code, out, err = run(*args, "--map", "Z=題名")
    assert code == 1 and "読み込み先「題名」はありません" in err
    map_file = tmp_path / "map.json"
    map_file.write_text(json.dumps({"H": "指標"}), encoding="utf-8")
    code, out, err = run(*args, "--map-file", str(map_file))
    assert code == 0, err
    assert "  H列「課題」→ 指標（指定）" in out.splitlines()
    item = GoalSheet.objects.get(fiscal_year=org.fiscal_year, department=org.dept_a).items.get()
    assert item.indicator == "人手が足りない"


@pytest.mark.django_db
def test_the_mapping_is_remembered_per_department_for_the_next_import(org, tmp_path):
    factories.CategoryFactory(name="その他")
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(other_words_workbook())
    args = ["import_xlsx", str(path), "--year", str(org.fiscal_year.year), "--department", "市民部"]
    code, _, err = run(*args, "--map", "H=indicator,I=-")
    assert code == 0, err
    # What was chosen differently from the headings (I was not read anyway).
    assert ColumnMapping.objects.get(department=org.dept_a).headings == {"課題": "indicator"}
    code, out, err = run(*args, "--replace", "--yes")
    assert code == 0, err
    assert "  H列「課題」→ 指標（この部の前回の指定）" in out.splitlines()
    item = GoalSheet.objects.get(fiscal_year=org.fiscal_year, department=org.dept_a).items.get()
    assert item.indicator == "人手が足りない"
    # Another department has its own (none yet).
    other = read(other_words_workbook(), remembered={})
    assert {h.letter: h.key for h in other.headings}["H"] == ""
