"""Export: the official layout of the sheet, and the flat table of search results."""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.http import safe_filename
from core.wareki import wareki_date
from excel.xlsx.cells import (
    _THIN,
    ACHIEVEMENT,
    BASELINE,
    BOLD,
    BORDER,
    BULLET,
    CARRIERS,
    CATEGORY,
    CENTERED_COLUMNS,
    COLUMN_WIDTHS,
    CONTENT_TYPE,
    DEADLINE,
    FONT,
    HEADER_ALIGN,
    HEADER_FILL,
    HEADER_LABELS,
    INDICATOR,
    KIND_PLAN,
    KIND_YEAR_END,
    KINDS,
    LINE_HEIGHT,
    METHOD,
    NUMBER,
    STATUS,
    TARGET,
    TITLE,
    TITLE_FONT,
    WRAP_CENTER,
    WRAP_TOP,
    neutralise,
)
from excel.xlsx.reader import PROSE_PROPERTY, _prose_mark, bullets_from_cell
from goals.selectors import carriers_of, sheet_date_line, sheet_rows
from reviews.selectors import achievement_status_by_item

# Export: the official layout ---------------------------------------------------------------


def bullets_cell_text(lines: list[str], *, as_prose: bool) -> str:
    """Bullets as `・` lines in one cell; prose (or a numbered list) as typed."""
    if as_prose:
        return "\n".join(lines)
    return "\n".join(f"{BULLET}{line}" for line in lines)


def _display_width(line: str) -> float:
    """A line's width in Excel's column units: a kanji or kana is about 1.8 of them."""
    return sum(1.8 if unicodedata.east_asian_width(char) in "WFA" else 1.0 for char in line)


def _lines_needed(value, width: float) -> int:
    if value in (None, ""):
        return 1
    capacity = max(width - 1.0, 2)
    return sum(
        max(1, math.ceil(_display_width(line) / capacity)) for line in str(value).split("\n")
    )


def _safe_sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "・", name)[:31] or "整理表"


def _sheet_columns(items, kind: str) -> list[str]:
    columns = [NUMBER, TITLE, CATEGORY, ACHIEVEMENT, METHOD, DEADLINE, CARRIERS]
    # 指標・現状値・目標値 are not on the official sheet; they appear when a city uses them, so
    # that nothing is lost between Excel and the application.
    for key in (INDICATOR, BASELINE, TARGET):
        if any(getattr(item, key) for item in items):
            columns.append(key)
    if kind == KIND_YEAR_END:
        columns.append(STATUS)
    return columns


def sheet_xlsx(sheet, kind: str = KIND_PLAN) -> tuple[str, str, bytes]:
    """The official sheet as .xlsx. `sheet` comes from `goals.selectors.sheet_with_content`.

    `kind` is `plan`, or `year_end` for the version with the 達成状況 column (from the confirmed
    year-end reviews).
    """
    if kind not in KINDS:
        raise ValueError(f"種類「{kind}」は選べません（plan または year_end）。")
    items = list(sheet.items.all())
    rows = sheet_rows(items)
    statuses = {}
    if kind == KIND_YEAR_END:
        statuses = achievement_status_by_item(sheet=sheet)
    columns = _sheet_columns(items, kind)
    last_column = len(columns)

    workbook = Workbook()
    ws = workbook.active
    ws.title = _safe_sheet_title(sheet.department.name)
    workbook.properties.title = sheet.title
    workbook.properties.creator = settings.CITY_NAME
    for index, key in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[key]

    # Title and header block, as on the first printed page.
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    neutralise(ws.cell(1, 1), sheet.title).font = TITLE_FONT
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 24
    signers = list(sheet.signers.all()) or [None]
    block_top = 3
    label_title_col, value_title_col = 4, 5
    label_name_col, value_name_col = 6, 7
    _label(ws.cell(block_top, 1), "作成日")
    ws.merge_cells(start_row=block_top, start_column=2, end_row=block_top, end_column=3)
    date_cell = neutralise(ws.cell(block_top, 2), sheet_date_line(sheet))
    date_cell.font, date_cell.alignment = FONT, Alignment(wrap_text=True, vertical="center")
    for column in (2, 3):
        ws.cell(block_top, column).border = Border(bottom=_THIN)
    for offset, signer in enumerate(signers):
        row = block_top + offset
        _label(ws.cell(row, label_title_col), "職名", align="right")
        _label(ws.cell(row, label_name_col), "氏名", align="center")
        for column, value in (
            (value_title_col, signer.title if signer else ""),
            (value_name_col, signer.name if signer else ""),
        ):
            cell = neutralise(ws.cell(row, column), value)
            cell.font, cell.alignment = FONT, Alignment(vertical="center")
            cell.border = Border(bottom=_THIN)
        ws.row_dimensions[row].height = 18
    ws.row_dimensions[block_top].height = max(
        18, _lines_needed(sheet_date_line(sheet), 34) * LINE_HEIGHT + 4
    )

    header_row = block_top + len(signers) + 1
    for index, key in enumerate(columns, start=1):
        cell = ws.cell(header_row, index, HEADER_LABELS[key])
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, HEADER_ALIGN
    ws.row_dimensions[header_row].height = 3 * LINE_HEIGHT + 4

    first = header_row + 1
    own_lines: dict[int, int] = {}
    merged_lines: list[tuple[int, int, int]] = []  # (top row, span, lines its text needs)
    prose_cells: list[str] = []
    for offset, row in enumerate(rows):
        excel_row = first + offset
        item = row.item
        values = {
            NUMBER: item.number if row.number_span else None,
            TITLE: row.title if row.title_span else None,
            CATEGORY: item.category.name if item.category_id else "",
            ACHIEVEMENT: bullets_cell_text(row.achievement, as_prose=row.achievement_as_prose)
            if row.achievement_span
            else None,
            METHOD: bullets_cell_text(item.method_bullets, as_prose=item.method_as_prose),
            DEADLINE: item.deadline,
            CARRIERS: "\n".join(carriers_of(item)),
            INDICATOR: item.indicator,
            BASELINE: item.baseline,
            TARGET: item.target,
            STATUS: "\n".join(statuses.get(item.pk, [])),
        }
        spans = {NUMBER: row.number_span, TITLE: row.title_span, ACHIEVEMENT: row.achievement_span}
        prose = {ACHIEVEMENT: row.achievement_as_prose, METHOD: item.method_as_prose}
        own_lines[excel_row] = 1
        for index, key in enumerate(columns, start=1):
            cell = ws.cell(excel_row, index)
            cell.border = BORDER
            span = spans.get(key, 1)
            if span == 0:
                continue
            neutralise(cell, values[key])
            cell.font = FONT
            cell.alignment = WRAP_CENTER if key in CENTERED_COLUMNS else WRAP_TOP
            if prose.get(key) and not bullets_from_cell(values[key])[1]:
                prose_cells.append(_prose_mark(cell.coordinate, values[key]))
            lines = _lines_needed(values[key], COLUMN_WIDTHS[key])
            if span > 1:
                ws.merge_cells(
                    start_row=excel_row,
                    start_column=index,
                    end_row=excel_row + span - 1,
                    end_column=index,
                )
                merged_lines.append((excel_row, span, lines))
            else:
                own_lines[excel_row] = max(own_lines[excel_row], lines)
    # Excel does not grow rows for wrapped text on opening: set heights, and let the last row of
    # a merged cell take what its text needs beyond the rows' own heights.
    for top, span, lines in merged_lines:
        covered = range(top, top + span)
        missing = lines - sum(own_lines[row] for row in covered)
        if missing > 0:
            own_lines[top + span - 1] += missing
    for excel_row, lines in own_lines.items():
        ws.row_dimensions[excel_row].height = round(lines * LINE_HEIGHT + 5, 1)

    if prose_cells:
        # Several lines of prose would read back as bullets: name those cells for the importer.
        workbook.custom_doc_props.append(
            StringProperty(name=PROSE_PROPERTY, value=" ".join(prose_cells))
        )

    last_row = first + len(rows) - 1 if rows else header_row
    ws.freeze_panes = ws.cell(first, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    _print_setup(ws)

    # Named as the PDF is: 令和7年度_組織目標展開整理表_達成状況_福祉部.
    parts = [sheet.fiscal_year.label, "組織目標展開整理表"]
    parts += ["達成状況"] if kind == KIND_YEAR_END else []
    filename = safe_filename("_".join([*parts, sheet.department.name])) + ".xlsx"
    return filename, CONTENT_TYPE, workbook_bytes(workbook)


def _label(cell, value: str, *, align: str = "left"):
    cell.value = value
    cell.font = BOLD
    cell.alignment = Alignment(horizontal=align, vertical="center")
    return cell


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.center.size = 9


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The flat table -------------------------------------------------------------------------------

TABLE_COLUMNS = [
    ("年度", 10),
    ("部", 12),
    ("番号", 6),
    ("実施項目", 30),
    ("計画・方針等の分類", 12),
    ("どの水準まで（達成水準）", 40),
    ("どのような方法で（方法）", 44),
    ("いつまで（期限）", 10),
    ("共通/課名", 16),
    ("指標", 18),
    ("目標値", 14),
    ("確認する課", 14),
    ("段階", 10),
    ("状態", 10),
    ("進捗状況", 8),
    ("上半期の状況や評価", 40),
    ("下半期の予定", 36),
    ("1年間の総括", 40),
    ("目標値に対する実績値", 16),
    ("達成状況・評価", 20),
    ("評価の視点", 24),
    ("課題と対応", 36),
]


def items_table_xlsx(rows: Iterable[tuple], *, title: str) -> tuple[str, str, bytes]:
    """A flat table of items and their reviews, one row per (item, review or None).

    Rows come in the order given. Each item needs `sheet__fiscal_year`, `sheet__department` and
    `category` selected and `carriers__section` prefetched; each review `section`,
    `progress_mark` and `achievement_level` (see `reviews.selectors.item_review_rows`, which also
    leaves out reviews the user may not read). The streaming writer keeps memory flat for
    thousands of rows.
    """
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_safe_sheet_title(title))
    for index, (_, width) in enumerate(TABLE_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    header_row = 3
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    _print_setup(ws)

    def text_cell(value, font=FONT, alignment=WRAP_TOP, fill=None, border=BORDER):
        cell = neutralise(WriteOnlyCell(ws), value)
        cell.font, cell.alignment = font, alignment
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        return cell

    ws.append([text_cell(title, font=TITLE_FONT, alignment=Alignment(), border=None)])
    today = wareki_date(timezone.localdate())
    ws.append([text_cell(f"出力日 {today}", alignment=Alignment(), border=None)])
    ws.append(
        [
            text_cell(label, font=BOLD, alignment=HEADER_ALIGN, fill=HEADER_FILL)
            for label, _ in TABLE_COLUMNS
        ]
    )
    count = 0
    for item, review in rows:
        count += 1
        sheet = item.sheet
        values = [
            sheet.fiscal_year.label,
            sheet.department.name,
            item.number,
            item.title or "（上の行から継続）",
            item.category.name if item.category_id else "",
            bullets_cell_text(item.achievement_bullets, as_prose=item.achievement_as_prose),
            bullets_cell_text(item.method_bullets, as_prose=item.method_as_prose),
            item.deadline,
            "、".join(carriers_of(item)),
            item.indicator,
            item.target,
        ]
        if review is None:
            values += [""] * 11
        else:
            values += [
                review.section.name if review.section_id else "（部）",
                review.get_stage_display(),
                review.get_status_display(),
                review.progress_mark.symbol if review.progress_mark_id else "",
                review.first_half_status,
                review.second_half_plan,
                review.summary,
                review.actual_value,
                str(review.achievement_level) if review.achievement_level_id else "",
                review.evaluation_reason,
                review.issues_and_actions,
            ]
        ws.append([text_cell(value) for value in values])
    if count:
        ws.auto_filter.ref = (
            f"A{header_row}:{get_column_letter(len(TABLE_COLUMNS))}{header_row + count}"
        )
    filename = f"{safe_filename(title) or '実施項目一覧'}.xlsx"
    return filename, CONTENT_TYPE, workbook_bytes(workbook)
