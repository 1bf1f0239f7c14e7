"""Import: the block above the table (表題, 作成日 and 見直し日, 職名 and 氏名)."""

from __future__ import annotations

import datetime
import re

from openpyxl.utils import get_column_letter

from core import text
from core.wareki import parse_date
from excel.xlsx.accounting import Accounting
from excel.xlsx.grid import Grid
from excel.xlsx.sheet import ImportedSheet, Problem, cell_text
from excel.xlsx.sheet import normal_label as _normal_label
from goals.services import SignerData

_HEADER_BLOCK_LABELS = {
    "作成日": "created",
    "作成年月日": "created",
    "職名": "title",
    "職": "title",
    "氏名": "name",
}
_DATE_TOKEN = re.compile(
    r"((?:令和|平成|昭和)\s*(?:元|\d{1,2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|(?<![A-Za-z])[RHSrhsＲＨＳ]\s*\.?\s*(?:元|\d{1,2})\s*[.．/]\s*\d{1,2}\s*[.．/]\s*\d{1,2}(?!\d)"
    r"|\d{4}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}\s*日?)"
    r"\s*(見直し|改定|改訂|修正|変更)?"
)
_TITLE_YEAR = re.compile(r"(令和|平成)\s*(元|\d{1,2})\s*年度")
_TITLE_DEPARTMENT = re.compile(r"[(（]\s*(.+?)の組織目標\s*[)）]")
_INLINE_LABEL = re.compile(r"^(作成年月日|作成日|職名|氏名)\s*[:：]\s*(.+)$", re.DOTALL)


def read_header_block(grid: Grid, sheet: ImportedSheet, used: Accounting) -> None:
    cells: dict[tuple[int, int], str] = {}
    for (row, column), raw in grid.values.items():
        if row < (sheet.heading_row or sheet.header_row):
            value = cell_text(raw).strip()
            if value:
                cells[(row, column)] = value
    for position, value in sorted(cells.items()):
        if "組織目標展開整理表" in value or "組織目標" in value:
            sheet.title = " ".join(value.split())
            used.read(*position, value, "表題（年度・部の確かめに使います）")
            break
    if sheet.title:
        normal = text.to_halfwidth_digits(sheet.title)
        if match := _TITLE_YEAR.search(normal):
            era_start = {"令和": 2019, "平成": 1989}[match[1]]
            sheet.title_fiscal_year = era_start + (1 if match[2] == "元" else int(match[2])) - 1
        if (match := _TITLE_DEPARTMENT.search(sheet.title)) and match[1].strip() != "部":
            sheet.title_department = match[1].strip()

    labels = {}
    inline: dict[tuple[int, int], str] = {}  # 作成日：令和8年4月1日 in one cell
    for position, value in cells.items():
        normal = _normal_label(value)
        if normal in _HEADER_BLOCK_LABELS:
            labels[position] = _HEADER_BLOCK_LABELS[normal]
        elif match := _INLINE_LABEL.match(value.strip().replace("\u3000", " ")):
            labels[position] = _HEADER_BLOCK_LABELS[match[1]]
            inline[position] = match[2].strip()

    def values_of(row: int, column: int) -> list[tuple[int, int, str]]:
        if (row, column) in inline:
            return [(row, column, inline[(row, column)])]
        right = sorted((c, v) for (r, c), v in cells.items() if r == row and c > column)
        found = []
        for c, value in right:
            if (row, c) in labels:
                break
            found.append((row, c, value))
        if found:
            return found
        below = []
        for r in range(row + 1, sheet.heading_row or sheet.header_row):
            if (r, column) in labels or (r, column) not in cells:
                break
            below.append((r, column, cells[(r, column)]))
        return below

    created_values, titles, names = [], [], []
    for (row, column), kind in sorted(labels.items()):
        values = values_of(row, column)
        label = {"created": "作成日", "title": "職名", "name": "氏名"}[kind]
        if (row, column) not in inline:
            used.read(row, column, cells[(row, column)], f"「{label}」の見出し")
        if kind == "created":
            values += _dates_below(cells, labels, values, sheet.heading_row or sheet.header_row)
            created_values += values
            for r, c, _ in values:
                used.read(r, c, cells[(r, c)], "作成日・見直し日")
        else:
            target = titles if kind == "title" else names
            for r, c, value in values:
                used.read(r, c, cells[(r, c)], f"署名者の{label}")
                target += [(r, line.strip()) for line in value.split("\n") if line.strip()]
    _read_dates(sheet, created_values)
    if len(titles) != len(names):
        sheet.problem(
            f"職名（{len(titles)}件）と氏名（{len(names)}件）の数が合いません。"
            "署名者ごとに職名と氏名を書いてください。",
            row=(titles or names)[0][0],
        )
    sheet.signers = [
        SignerData(title=title, name=name)
        for (_, title), (_, name) in zip(titles, names, strict=False)
    ]
    if not sheet.signers:
        sheet.warning("職名・氏名が見つかりません（署名者なしで読み込みます）。")


def _dates_below(cells, labels, values, header_row) -> list[tuple[int, int, str]]:
    """A revision date typed in the cell below the 作成日 (R8.10.1見直し under 令和8年4月1日)."""
    found = []
    for row, column, _ in values:
        for r in range(row + 1, header_row):
            value = cells.get((r, column))
            if value is None or (r, column) in labels:
                break
            if any(existing[:2] == (r, column) for existing in [*values, *found]):
                continue
            if not _DATE_TOKEN.search(text.to_halfwidth_digits(value)):
                break
            found.append((r, column, value))
    return found


def _read_dates(sheet: ImportedSheet, values: list[tuple[int, int, str]]) -> None:
    if not values:
        sheet.warning("作成日が見つかりません（年度の初日を作成日とします）。")
        return
    dates: list[tuple[datetime.date, bool]] = []
    for row, column, value in values:
        normal = text.to_halfwidth_digits(value)
        tokens = list(_DATE_TOKEN.finditer(normal))
        if not tokens:
            sheet.problems.append(
                Problem(
                    f"作成日「{value}」を日付として読めません（例: 令和8年4月1日）。",
                    row=row,
                    column=get_column_letter(column),
                    label="作成日",
                )
            )
            continue
        for token in tokens:
            try:
                day = parse_date(token[1])
            except ValueError:
                sheet.problems.append(
                    Problem(
                        f"「{token[1]}」は存在しない日付です。",
                        row=row,
                        column=get_column_letter(column),
                        label="作成日",
                    )
                )
                continue
            if day is not None:
                dates.append((day, bool(token[2])))
    plain = [day for day, revised in dates if not revised]
    revised = [day for day, revised in dates if revised]
    if plain:
        sheet.created_on = plain[0]
        # A second date without 見直し can only be a revision as well.
        revised = sorted(set(revised + plain[1:]))
    elif revised:
        sheet.problem("作成日がなく見直し日だけがあります。作成日を書いてください。")
    sheet.revisions = [day for day in revised if day != sheet.created_on]


def block_texts(sheet: ImportedSheet, used: Accounting) -> set[str]:
    """What was read above the table, as a repeated title block would show it again."""
    texts = {_normal_label(label) for label in _HEADER_BLOCK_LABELS}
    top = sheet.heading_row or sheet.header_row
    texts |= {_normal_label(use.value) for use in used.uses.values() if use.row < top}
    for signer in sheet.signers:
        texts |= {_normal_label(signer.title), _normal_label(signer.name)}
    texts.discard("")
    return texts
