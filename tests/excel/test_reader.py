"""Reading what real sheets contain, one shape at a time (no database needed)."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from excel import xlsx
from tests.excel.workbooks import simple_workbook, to_bytes

ROW = ["1", "窓口の改善", "施政方針", "・待ち時間が短い", "・受付の見直し", "12月", "市民課"]


def read(content: bytes) -> xlsx.ImportedSheet:
    return xlsx.workbook_read(content, filename="test.xlsx")


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("番号", "number"),
        ("実施項目", "title"),
        ("実施項目\n（業務目標又は事務の内容）", "title"),
        ("実施項目 (業務目標又は事務の内容)", "title"),
        ("（業務目標又は事務の内容）", "title"),
        ("計画・方針 等の分類", "category"),
        ("計画・方針\n等の分類", "category"),
        ("どの水準まで (達成水準又は遂行後の状態等)", "achievement"),
        ("どの水準まで（達成水準又は遂行後の状態等）", "achievement"),
        ("どのような方法で\n(目標等を達成するための取組の内容等)", "method"),
        ("いつまで (期限)", "deadline"),
        ("いつまで", "deadline"),
        ("期限", "deadline"),
        ("共通/課名", "carriers"),
        ("共通／課名", "carriers"),
        ("達成状況", "achievement_status"),
        ("指標", "indicator"),
        ("目標値", "target"),
        ("備考", None),
        (None, None),
    ],
)
def test_header_labels_with_or_without_their_second_line(label, key):
    assert xlsx.header_key(label) == key


@pytest.mark.parametrize(
    ("cell", "lines", "prose"),
    [
        ("・一つ目\n・二つ目", ["一つ目", "二つ目"], False),
        ("・ 一つ目\n・ 二つ目", ["一つ目", "二つ目"], False),
        ("●一つ目\n●二つ目", ["一つ目", "二つ目"], False),
        ("〇一つ目", ["一つ目"], False),
        ("- 一つ目\n- 二つ目", ["一つ目", "二つ目"], False),
        ("一つ目\n二つ目", ["一つ目", "二つ目"], False),
        ("一つ目\n\n二つ目\n", ["一つ目", "二つ目"], False),
        ("ひとつの文章です。", ["ひとつの文章です。"], True),
        ("①一つ目\n②二つ目", ["①一つ目", "②二つ目"], True),
        ("(1) 一つ目\n(2) 二つ目", ["(1) 一つ目", "(2) 二つ目"], True),
        ("(4月)公募\n(5月)決定", ["(4月)公募", "(5月)決定"], False),
        ("", [], False),
        # Text kept as typed: a marker is removed only when it is one (issue 11, point 4).
        ("〇〇地区の見守り", ["〇〇地区の見守り"], True),
        ("・〇歳児健診\n・－５％削減\n・-10%", ["〇歳児健診", "－５％削減", "-10%"], False),
        # A line break inside one bullet is the same bullet, unless the next line has a marker.
        ("・長い文が折り\n返される\n・二つ目", ["長い文が折り返される", "二つ目"], False),
        ("・Use the\nnew form", ["Use the new form"], False),
        ("前書き\n・一つ目\n・二つ目", ["前書き", "一つ目", "二つ目"], False),
    ],
)
def test_bullets_in_every_form_people_type(cell, lines, prose):
    assert xlsx.bullets_from_cell(cell) == (lines, prose)


def test_table_found_wherever_it_starts():
    wb = Workbook()
    ws = wb.active
    ws["C8"] = "作成日"
    ws["D8"] = "令和8年4月1日"
    header = ["番号", "実施項目", "計画・方針等の分類", "どの水準まで", "どのような方法で"]
    header += ["いつまで", "共通/課名"]
    for offset, label in enumerate(header):
        ws.cell(12, 3 + offset, label)
        ws.cell(13, 3 + offset, ROW[offset])
    sheet = read(to_bytes(wb))
    assert sheet.header_row == 12
    assert sheet.columns["number"] == "C"
    assert [item.data.title for item in sheet.items] == ["窓口の改善"]
    assert sheet.created_on == datetime.date(2026, 4, 1)


def test_header_in_a_later_worksheet_and_other_sheets_noted():
    wb = Workbook()
    wb.active.title = "表紙"
    wb.active["A1"] = "組織目標の資料"
    ws = wb.create_sheet("市民部")
    for column, label in enumerate(["番号", "実施項目", "どの水準まで", "どのような方法で"], 1):
        ws.cell(1, column, label)
        ws.cell(2, column, ROW[[0, 1, 3, 4][column - 1]])
    sheet = read(to_bytes(wb))
    assert sheet.worksheet == "市民部"
    assert len(sheet.items) == 1
    assert any("分類" in str(warning) for warning in sheet.warnings)


def test_header_block_values_right_of_or_below_their_labels():
    below = {
        "A1": "令和7年度 組織目標展開整理表（福祉部の組織目標）",
        "A2": "作成日",
        "C2": "職名",
        "E2": "氏名",
        "A3": "令和７年４月１日\n令和７年７月２５日見直し",
        "C3": "福祉部長",
        "E3": "玉井理加",
        "C4": "担当部長",
        "E4": "山田花子",
    }
    sheet = read(simple_workbook([ROW], header_row=6, above=below))
    assert sheet.created_on == datetime.date(2025, 4, 1)
    assert sheet.revisions == [datetime.date(2025, 7, 25)]
    assert [(s.title, s.name) for s in sheet.signers] == [
        ("福祉部長", "玉井理加"),
        ("担当部長", "山田花子"),
    ]
    assert (sheet.title_fiscal_year, sheet.title_department) == (2025, "福祉部")


def test_several_signers_on_one_row_and_an_excel_date():
    same_row = {
        "A2": "作成日",
        "B2": datetime.datetime(2026, 4, 1),
        "C2": "職名",
        "D2": "市民部長",
        "E2": "氏名",
        "F2": "玉井 理加",
        "G2": "職名",
        "H2": "担当部長",
        "I2": "氏名",
        "J2": "山田 花子",
    }
    sheet = read(simple_workbook([ROW], above=same_row))
    assert sheet.created_on == datetime.date(2026, 4, 1)
    assert [s.name for s in sheet.signers] == ["玉井 理加", "山田 花子"]


def test_missing_header_block_is_a_warning_with_the_year_start():
    sheet = read(simple_workbook([ROW], above={}))
    assert sheet.created_on is None
    assert any("作成日が見つかりません" in str(warning) for warning in sheet.warnings)
    assert any("職名・氏名" in str(warning) for warning in sheet.warnings)


def test_unreadable_creation_date_is_a_problem_at_its_cell():
    sheet = read(simple_workbook([ROW], above={"A2": "作成日", "B2": "四月一日"}))
    assert [str(problem) for problem in sheet.problems] == [
        "2行目 B列（作成日）: 作成日「四月一日」を日付として読めません（例: 令和8年4月1日）。"
    ]
    sheet = read(simple_workbook([ROW], above={"A2": "作成日", "B2": "令和8年2月30日"}))
    assert str(sheet.problems[0]) == "2行目 B列（作成日）: 「令和8年2月30日」は存在しない日付です。"


def test_repeated_headers_blank_rows_and_notes_are_skipped():
    header = ["番号", "実施項目", "計画・方針等の分類", "どの水準まで", "どのような方法で"]
    header += ["いつまで", "共通/課名"]
    rows = [
        ROW,
        [],
        ["（番号）", "（業務目標又は事務の内容）", None, "（達成水準又は遂行後の状態等）"],
        header,
        ["２", "二つ目", "その他", "・a", "・b", "３月", "経済課"],
        [],
        ["※ 達成状況は年度末に記入します。"],
    ]
    sheet = read(simple_workbook(rows))
    assert [item.data.number for item in sheet.items] == [1, 2]
    assert sheet.items[1].data.deadline == "３月"
    assert sheet.problems == []
    assert any("注記" in str(warning) for warning in sheet.warnings)


def test_blank_number_groups_and_blank_title_continues():
    rows = [
        ROW,
        [None, "同じ番号の別の項目", "その他", "・x", "・y", "随時", "経済課"],
        ["2", None, "その他", None, "・z", "3月", "市民課"],
    ]
    sheet = read(simple_workbook(rows))
    _, second, third = (item.data for item in sheet.items)
    assert second.number == 1 and not second.continues_title
    assert third.number == 2 and third.continues_title and third.continues_achievement
    assert any("上の行の実施項目の続き" in str(warning) for warning in sheet.warnings)


def test_section_names_separated_by_line_breaks_or_commas_and_common():
    rows = [
        [*ROW[:6], "市民課、経済課"],
        [*ROW[:6], "市民課\n経済課"],
        [*ROW[:6], "共通"],
    ]
    items = [item.data for item in read(simple_workbook(rows)).items]
    assert items[0].sections == items[1].sections == ["市民課", "経済課"]
    assert items[2].common and items[2].sections == []


def test_first_item_must_have_a_number_and_a_title():
    sheet = read(simple_workbook([[None, None, "その他", "・a", "・b", "3月", "市民課"]]))
    assert [str(problem) for problem in sheet.problems] == [
        "5行目 A列（番号）: 最初の項目に番号がありません。",
        "5行目 B列（実施項目）: 実施項目が空欄です。",
    ]


def test_number_that_is_not_a_number_is_a_problem():
    sheet = read(simple_workbook([["一", *ROW[1:]]]))
    assert str(sheet.problems[0]) == "5行目 A列（番号）: 番号「一」が数字ではありません。"


def test_status_lines_per_section():
    rows = [["1", "共同の項目", "個別計画", "・a", "・b", "3月", "障害福祉課\n高齢福祉課"]]
    wb = load_workbook(io.BytesIO(simple_workbook(rows)))
    wb.active["H4"] = "達成状況"
    wb.active["H5"] = "障害福祉課: ほぼ達成した\n高齢福祉課：達成した"
    sheet = read(to_bytes(wb))
    assert sheet.items[0].status_lines == [
        ("障害福祉課", "ほぼ達成した"),
        ("高齢福祉課", "達成した"),
    ]
