"""Workbooks built in the tests, in the shapes of the real sheets in the seeds.

The published sheets are Excel files kept by each department; these builders reproduce what
makes them hard to read — where the table starts, header labels with and without their
parenthesised second line, the header repeated at page breaks, blank rows, merged cells for
groups and continued items, bullets typed in several ways, full-width digits, section names
wrapped in a narrow cell — from the JSON in `fixtures/sheets/`, so that an import can be compared
with what the fixture holds.
"""

import io
import json
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "sheets"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
MARKERS = ["・", "・ ", "●", "〇", "- "]


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bullets(lines: list[str], marker: str | None) -> str:
    if marker is None:
        return "\n".join(lines)
    return "\n".join(f"{marker}{line}" for line in lines)


def _carriers(item: dict, wrap: dict[str, str], separator: str = "\n") -> str:
    if item.get("common"):
        return "共通"
    return separator.join(wrap.get(name, name) for name in item.get("sections", []))


def shimin_workbook(raw: dict | None = None) -> bytes:
    """市民部 (令和8年度): a plain sheet.

    作成日, 職名 and 氏名 with their values on one row; header labels with a half-width bracket
    second line in the same cell; the 方法 column two cells wide (merged); the header repeated
    after item 6 below a blank row; items 1–6 bulleted by line breaks only, later ones by ・, ●,
    〇 or -; some 番号 and 期限 typed with full-width digits; 協働コミュニティ課 wrapped in its
    cell as in the seed.
    """
    raw = raw or fixture("kokubunji_r8_shimin")
    wb = Workbook()
    ws = wb.active
    ws.title = "市民部"
    ws["A2"] = "令和8年度 組織目標展開整理表 (部の組織目標)"
    ws.merge_cells("A2:H2")
    signer = raw["signers"][0]
    ws["A4"], ws["C4"] = "作成日", "令和８年４月１日"
    ws["E4"], ws["F4"], ws["G4"], ws["H4"] = "職名", signer["title"], "氏名", signer["name"]
    header = [
        "番号",
        "実施項目 (業務目標又は事務の内容)",
        "計画・方針 等の分類",
        "どの水準まで (達成水準又は遂行後の状態等)",
        "どのような方法で (目標等を達成するための取組の内容等)",
        None,
        "いつまで (期限)",
        "共通/課名",
    ]
    row = 5

    def write_header(at: int):
        for column, label in enumerate(header, start=1):
            ws.cell(at, column, label)
        ws.merge_cells(start_row=at, start_column=5, end_row=at, end_column=6)

    write_header(row)
    for index, item in enumerate(raw["items"]):
        if index == 6:
            row += 2  # a blank row, then the header again on the next page
            write_header(row)
        row += 1
        marker = None if index < 6 else MARKERS[index % len(MARKERS)]
        number = str(item["number"])
        ws.cell(row, 1, number.translate(FULLWIDTH) if index % 3 == 0 else int(number))
        ws.cell(row, 2, item["title"])
        ws.cell(row, 3, item["category"])
        ws.cell(row, 4, _bullets(item["achievement"], marker))
        ws.cell(row, 5, _bullets(item["method"], marker))
        ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=6)
        deadline = item["deadline"]
        ws.cell(row, 7, deadline.translate(FULLWIDTH) if index % 2 else deadline)
        ws.cell(row, 8, _carriers(item, {"協働コミュニティ課": "協働コミュニ\nティ課"}))
    return to_bytes(wb)


def kodomo_workbook(raw: dict | None = None) -> bytes:
    """子ども家庭部 (令和5年度): 番号 groups several items (merged 番号 cells).

    The table starts in column B, row 6; header labels on two lines with full-width brackets;
    the header repeated before groups 2 and 5; every text a single line of prose; the section
    names wrapped (子ども若者 / 計画課).
    """
    raw = raw or fixture("kokubunji_r5_kodomokatei")
    wb = Workbook()
    ws = wb.active
    ws.title = "R5"
    ws["B2"] = "令和5年度 組織目標展開整理表（部の組織目標）"
    signer = raw["signers"][0]
    ws["B4"], ws["D4"] = "作成日", "令和5年4月1日"
    ws["F4"], ws["G4"], ws["H4"], ws["I4"] = "職　名", signer["title"], "氏　名", signer["name"]
    header = [
        "番号",
        "実施項目\n（業務目標又は事務の内容）",
        "計画・方針\n等の分類",
        "どの水準まで\n（達成水準又は遂行後の状態等）",
        "どのような方法で\n（目標等を達成するための取組の内容等）",
        "いつまで\n（期限）",
        "共通/課名",
    ]
    wrap = {
        "子ども若者計画課": "子ども若者\n計画課",
        "子ども子育て支援課": "子ども子育て\n支援課",
    }
    row = 6

    def write_header(at: int):
        for offset, label in enumerate(header):
            ws.cell(at, 2 + offset, label)

    write_header(row)
    group_start = None
    previous_number = None
    for item in raw["items"]:
        if item["number"] != previous_number and item["number"] in (2, 5):
            _merge_group(ws, group_start, row)
            group_start = None
            row += 1
            write_header(row)
        row += 1
        if item["number"] != previous_number:
            _merge_group(ws, group_start, row - 1)
            group_start = row
            ws.cell(row, 2, item["number"])
        previous_number = item["number"]
        ws.cell(row, 3, item["title"])
        ws.cell(row, 4, item["category"])
        ws.cell(row, 5, _bullets(item["achievement"], None))
        ws.cell(row, 6, _bullets(item["method"], None))
        ws.cell(row, 7, item["deadline"])
        ws.cell(row, 8, _carriers(item, wrap))
    _merge_group(ws, group_start, row)
    return to_bytes(wb)


def _merge_group(ws, start, end):
    if start is not None and end > start:
        ws.merge_cells(start_row=start, start_column=2, end_row=end, end_column=2)


def fukushi_workbook(raw: dict | None = None) -> bytes:
    """福祉部 (令和7年度), year-end: continued items, several sections in one cell, 達成状況.

    作成日 / 職名 / 氏名 labels on one row and their values below, the 作成日 with a revision date;
    the title with the department's name; items 16–17 share a merged 実施項目, 24–25 a merged
    実施項目 and 達成水準; item 23 names three sections on three lines; the 達成状況 phrases typed
    with ~ or ～; the header repeated every eight items.
    """
    raw = raw or fixture("kokubunji_r7_fukushi")
    wb = Workbook()
    ws = wb.active
    ws.title = "福祉部"
    ws["A1"] = "令和7年度 組織目標展開整理表（福祉部の組織目標）"
    ws["A3"], ws["C3"], ws["E3"] = "作成日", "職名", "氏名"
    ws.merge_cells("A3:B3")
    ws["A4"] = "令和7年4月1日 令和7年7月25日見直し"
    ws.merge_cells("A4:B4")
    ws["C4"] = raw["signers"][0]["title"]
    ws["E4"] = raw["signers"][0]["name"]
    header = [
        "番号",
        "実施項目 (業務目標又は事務の内容)",
        "計画・方針 等の分類",
        "どの水準まで (達成水準又は遂行後の状態等)",
        "どのような方法で (目標等を達成するための取組の内容等)",
        "いつまで (期限)",
        "共通/課名",
        "達成状況",
    ]
    row = 5
    for column, label in enumerate(header, start=1):
        ws.cell(row, column, label)
    title_anchor = achievement_anchor = None
    for index, item in enumerate(raw["items"]):
        if index and index % 8 == 0 and not item.get("continues_title"):
            row += 2
            for column, label in enumerate(header, start=1):
                ws.cell(row, column, label)
        row += 1
        ws.cell(row, 1, item["number"])
        if item.get("continues_title"):
            ws.merge_cells(start_row=title_anchor, start_column=2, end_row=row, end_column=2)
        else:
            title_anchor = row
            ws.cell(row, 2, item["title"])
        ws.cell(row, 3, item["category"])
        if item.get("continues_achievement"):
            ws.merge_cells(start_row=achievement_anchor, start_column=4, end_row=row, end_column=4)
        else:
            achievement_anchor = row
            marker = None if item.get("achievement_as_prose") else "・"
            ws.cell(row, 4, _bullets(item["achievement"], marker))
        ws.cell(row, 5, _bullets(item["method"], "・ " if index % 2 else "・"))
        ws.cell(row, 6, item["deadline"])
        ws.cell(row, 7, _carriers(item, {}))
        ws.cell(row, 8, item.get("achievement_status", ""))
    for column, width in zip("ABCDEFGH", (5, 24, 10, 40, 48, 8, 12, 18), strict=True):
        ws.column_dimensions[column].width = width
    return to_bytes(wb)


def simple_workbook(rows: list[list], *, header_row: int = 4, above: dict | None = None) -> bytes:
    """A small sheet for one case: `rows` below the standard header, `above` cells by address."""
    wb = Workbook()
    ws = wb.active
    ws.title = "整理表"
    cells = {
        "A1": "令和8年度 組織目標展開整理表（部の組織目標）",
        "A2": "作成日",
        "B2": "令和8年4月1日",
    }
    cells |= {"D2": "職名", "E2": "市民部長", "F2": "氏名", "G2": "玉井 理加"}
    for address, value in (above if above is not None else cells).items():
        ws[address] = value
    header = ["番号", "実施項目", "計画・方針等の分類", "どの水準まで", "どのような方法で"]
    header += ["いつまで", "共通/課名"]
    for column, label in enumerate(header, start=1):
        ws.cell(header_row, column, label)
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            ws.cell(header_row + offset, column, value)
    return to_bytes(wb)


def column_of(label: str) -> str:
    return get_column_letter(
        ["番号", "実施項目", "分類", "達成水準", "方法", "期限", "課名"].index(label) + 1
    )


def accounting_workbook() -> bytes:
    """One sheet with every kind of cell the accounting must place (see test_accounting)."""
    wb = load_workbook(io.BytesIO(simple_workbook([])), rich_text=True)
    ws = wb.active
    ws["G1"] = "単位：件"
    ws["H4"] = "備考"
    rows = {
        5: ["1", "窓口の改善", "施政方針", None, "・受付の見直し", "12月", "市民課", "要調整"],
        6: ["2", "組織目標展開整理表の様式の見直し", "その他", "・作成日を揃える"],
        7: ["3", "削除した項目", "その他", "・a", "・b", "3月", "市民課"],
        8: ["3", "三つ目", "その他", "・c", "・d", "12月", "市民課"],
        12: ["番号", "実施項目", "計画・方針等の分類", "どの水準まで", "どのような方法で"],
        13: ["4", "四つ目", "その他", "・e", "・f", "随時", "経済課"],
    }
    rows[6] += ["・様式を改める", "3月", "経済課"]
    rows[12] += ["いつまで", "共通/課名"]
    for row, values in rows.items():
        for column, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row, column, value)
    ws["D5"] = CellRichText(
        ["・待ち時間が短い\n", TextBlock(InlineFont(strike=True), "・窓口を増やす")]
    )
    ws.row_dimensions[7].hidden = True
    ws["I5"] = "内部メモ"
    ws.column_dimensions["I"].hidden = True
    ws["F8"].font = Font(strike=True)
    ws["D9"] = "- 2 -"
    ws["A10"] = "令和8年度 組織目標展開整理表（部の組織目標）"
    ws["A11"], ws["B11"] = "作成日", "令和8年4月1日"
    ws["A15"] = "※ 数値は見込みです。"
    ws["G16"] = "2/5"
    ws["K20"] = "メモ"
    return to_bytes(wb)
