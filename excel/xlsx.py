"""Excel in and out: the one module that knows openpyxl.

Export
    `sheet_xlsx(sheet, kind)` draws a department's sheet in the official layout (title, 作成日 and
    signers, the table with merged cells as printed, A4 landscape); `items_table_xlsx(rows, title=)`
    writes a flat table, one row per item and review, with the streaming writer. Both return
    `(filename, content_type, bytes)`.

Import
    `workbook_read(data, filename=)` checks the file (size, format, macros, encryption), finds the
    table by its header labels and reads what real sheets contain into an `ImportedSheet`
    (no database access). `import_plan(...)` then checks it against the database — categories,
    sections, the year's 達成状況 scale, an existing sheet — and lists every problem by row and
    column. Nothing is written until `excel.services.sheet_import_with_vocabulary` is called with
    the plan's data.

Typed text never becomes a formula: a cell that begins with `=`, `+`, `-` or `@` is written as a
string with Excel's quote prefix, so the text reads back exactly as typed.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core import text
from core.deadlines import deadline_parse
from core.fields import strip_control_characters
from core.http import safe_filename
from core.wareki import fiscal_year_label, parse_date, wareki_date
from goals.selectors import carriers_of, fiscal_year_default_scales, sheet_date_line, sheet_rows
from goals.services import ItemData, SheetData, SignerData

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

KIND_PLAN = "plan"
KIND_YEAR_END = "year_end"
KINDS = {KIND_PLAN: "目標設定", KIND_YEAR_END: "年度末（達成状況つき）"}

# Column keys, in the order of the official sheet; the header labels as printed on it.
NUMBER, TITLE, CATEGORY, ACHIEVEMENT, METHOD, DEADLINE, CARRIERS = (
    "number",
    "title",
    "category",
    "achievement",
    "method",
    "deadline",
    "carriers",
)
INDICATOR, BASELINE, TARGET, STATUS = "indicator", "baseline", "target", "achievement_status"

HEADER_LABELS = {
    NUMBER: "番号",
    TITLE: "実施項目\n（業務目標又は事務の内容）",
    CATEGORY: "計画・方針\n等の分類",
    ACHIEVEMENT: "どの水準まで\n（達成水準又は遂行後の状態等）",
    METHOD: "どのような方法で\n（目標等を達成するための取組の内容等）",
    DEADLINE: "いつまで\n（期限）",
    CARRIERS: "共通/課名",
    INDICATOR: "指標",
    BASELINE: "現状値",
    TARGET: "目標値",
    STATUS: "達成状況",
}
# Short names used in messages: "12行目 D列（達成水準）".
SHORT_LABELS = {
    NUMBER: "番号",
    TITLE: "実施項目",
    CATEGORY: "計画・方針等の分類",
    ACHIEVEMENT: "達成水準",
    METHOD: "方法",
    DEADLINE: "期限",
    CARRIERS: "共通/課名",
    INDICATOR: "指標",
    BASELINE: "現状値",
    TARGET: "目標値",
    STATUS: "達成状況",
}
# Widths in Excel's units (about one half-width character), close to the PDF's proportions.
COLUMN_WIDTHS = {
    NUMBER: 5.5,
    TITLE: 24,
    CATEGORY: 10,
    ACHIEVEMENT: 40,
    METHOD: 48,
    DEADLINE: 8.5,
    CARRIERS: 13,
    INDICATOR: 20,
    BASELINE: 12,
    TARGET: 16,
    STATUS: 18,
}
CENTERED_COLUMNS = {NUMBER, CATEGORY, DEADLINE, CARRIERS}

FONT_NAME = "BIZ UDPゴシック"
FONT_SIZE = 10
LINE_HEIGHT = 13.5  # points per line of 10-point Japanese text
_THIN = Side(style="thin", color="FF000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="FFE6EBF1")
FONT = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
BULLET = "・"

# Text that a spreadsheet would read as a formula (or, for tab and CR, as a cell break).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# Export -----------------------------------------------------------------------------------------


def neutralise(cell, value):
    """Put `value` in `cell`; text that looks like a formula stays text, exactly as typed.

    openpyxl turns any str beginning with `=` into a formula; forcing the string type and setting
    Excel's quote prefix (what typing a leading ' does) keeps it inert, also after an edit.
    """
    if isinstance(value, str):
        # Older rows may hold control characters, which the .xlsx XML cannot carry.
        value = strip_control_characters(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


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
        from reviews.selectors import achievement_status_by_item

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


# Import: reading a workbook ---------------------------------------------------------------------

MAX_CELL_CHARS = 10_000  # no cell of a real sheet comes near; the fields' own limits are lower
MAX_ROWS = 5_000
MAX_COLUMNS = 100
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a zip bomb is refused before openpyxl expands it
HEADER_SEARCH_ROWS = 200
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PROSE_PROPERTY = "soshiki-mokuhyo:prose-cells"


class WorkbookError(Exception):
    """The file cannot be read at all; the message says why, in Japanese."""


@dataclass
class Problem:
    """Something in the file, located by Excel row and column where that is known."""

    message: str
    row: int | None = None
    column: str | None = None
    label: str = ""

    @property
    def place(self) -> str:
        parts = []
        if self.row:
            parts.append(f"{self.row}行目")
        if self.column:
            parts.append(f"{self.column}列")
        place = " ".join(parts)
        if self.label:
            place += f"（{self.label}）"
        return place

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


@dataclass
class ImportedItem:
    row: int
    data: ItemData
    # 達成状況 lines: ("", phrase) for every carrier, or (section name, phrase) for one.
    status_lines: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ImportedSheet:
    """What a workbook holds, as read; names not yet checked against the database."""

    filename: str = ""
    worksheet: str = ""
    title: str = ""
    title_fiscal_year: int | None = None
    title_department: str = ""
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # key → column letter
    created_on: datetime.date | None = None
    revisions: list[datetime.date] = field(default_factory=list)
    signers: list[SignerData] = field(default_factory=list)
    items: list[ImportedItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def has_status_column(self) -> bool:
        return STATUS in self.columns

    def problem(self, message, row=None, key=None):
        self.problems.append(self.locate(message, row, key))

    def warning(self, message, row=None, key=None):
        self.warnings.append(self.locate(message, row, key))

    def locate(self, message, row, key) -> Problem:
        """A Problem at `row`, in the column the header gave to `key` (a field such as TITLE)."""
        return Problem(
            message,
            row=row,
            column=self.columns.get(key) if key else None,
            label=SHORT_LABELS.get(key, "") if key else "",
        )


def _normal_label(value) -> str:
    """A header or label as compared: NFKC (full-width brackets → half-width), no spaces."""
    if not isinstance(value, str):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def header_key(value) -> str | None:
    """Which column a header cell names, with or without its parenthesised second line."""
    normal = _normal_label(value)
    if not normal:
        return None
    main = normal.split("(", 1)[0]
    if main in {"番号", "No", "No.", "NO", "NO.", "項番", "通番"}:
        return NUMBER
    if main.startswith("実施項目") or "業務目標又は事務の内容" in normal or main == "業務目標":
        return TITLE
    if main.startswith("達成状況"):
        return STATUS
    if "分類" in main:
        return CATEGORY
    if main.startswith("どの水準") or "達成水準" in normal:
        return ACHIEVEMENT
    if main.startswith("どのような方法") or "取組の内容" in normal or main == "方法":
        return METHOD
    if main.startswith("いつまで") or main == "期限" or normal == "(期限)":
        return DEADLINE
    if "課名" in main or main in {"担当課", "共通/課", "担当"}:
        return CARRIERS
    return {"指標": INDICATOR, "現状値": BASELINE, "目標値": TARGET}.get(main)


_HEADER_BLOCK_LABELS = {
    "作成日": "created",
    "作成年月日": "created",
    "職名": "title",
    "職": "title",
    "氏名": "name",
}
_DATE_TOKEN = re.compile(
    r"((?:令和|平成|昭和)\s*(?:元|\d{1,2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|\d{4}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}\s*日?)"
    r"\s*(見直し|改定|改訂|修正|変更)?"
)
_TITLE_YEAR = re.compile(r"(令和|平成)\s*(元|\d{1,2})\s*年度")
_TITLE_DEPARTMENT = re.compile(r"[(（]\s*(.+?)の組織目標\s*[)）]")
_ITEM_NUMBER = re.compile(r"^\s*(?:No\.?\s*)?(\d{1,5})\s*[.．)）]?\s*$", re.IGNORECASE)
# A list whose lines carry their own numbering (①, (1), 1., ア.) is printed as typed.
_NUMBERED_LINE = re.compile(
    r"^[\s\u3000]*(?:[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf\u2776-\u277f\u2780-\u2789]"
    r"|[(（]\s*(?:\d+|[一二三四五六七八九十]+)\s*[)）]"
    r"|\d+\s*[.．)）、]"
    r"|[アイウエオカキクケコ]\s*[.．)）、])"
)


def cell_text(value) -> str:
    """A cell's value as text: numbers without `.0`, Excel dates in 和暦, line endings unified,
    invisible control characters (left over from other systems) dropped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return wareki_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return strip_control_characters(str(value).replace("\r\n", "\n").replace("\r", "\n"))


def bullets_from_cell(value: str) -> tuple[list[str], bool]:
    """(lines, as_prose) from a cell: `・`, `●`, `〇`, `-` or plain line breaks make bullets.

    A single line without a marker is prose, and so is a list whose every line carries its own
    numbering (①…, (1)…): both are printed as typed.
    """
    raw = [line for line in (value or "").split("\n") if line.strip()]
    lines = text.split_bullets(value)
    if not lines:
        return [], False
    if any(text.has_bullet_marker(line) for line in raw):
        return lines, False
    if len(lines) == 1 or all(_NUMBERED_LINE.match(line) for line in lines):
        return lines, True
    return lines, False


def check_upload(data: bytes, filename: str) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if not data:
        raise WorkbookError("ファイルが空です（0バイト）。Excel で保存し直してから選んでください。")
    if len(data) > limit:
        raise WorkbookError(
            f"ファイルが大きすぎます（{len(data) / 1024 / 1024:.1f}MB）。"
            f"{limit // 1024 // 1024}MB 以下のファイルにしてください。"
        )
    if data.startswith(OLE_SIGNATURE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError(
                "パスワードで保護されたファイルは読み込めません。"
                "Excel でパスワードを解除して保存し直してから選んでください。"
            )
        raise WorkbookError(
            "古い形式の Excel ファイル（.xls）は読み込めません。"
            "Excel で「Excel ブック（*.xlsx）」として保存し直してから選んでください。"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookError(
            "Excel ファイル（.xlsx）ではありません。"
            "Excel で「Excel ブック（*.xlsx）」として保存したファイルを選んでください。"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        expanded = sum(info.file_size for info in archive.infolist())
        content_types = (
            archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        )
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise WorkbookError("ファイルが壊れているため読み込めません。") from error
    lower = filename.lower()
    if (
        lower.endswith((".xlsm", ".xltm", ".xlam"))
        or any(name.lower().endswith("vbaproject.bin") for name in names)
        or b"macroEnabled" in content_types
    ):
        raise WorkbookError(
            "マクロを含むファイル（.xlsm）は読み込めません。"
            "Excel で「Excel ブック（*.xlsx）」として保存し直してから選んでください。"
        )
    if "xl/workbook.xml" not in names:
        raise WorkbookError(
            "Excel ファイル（.xlsx）ではありません。"
            "Excel で「Excel ブック（*.xlsx）」として保存したファイルを選んでください。"
        )
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError("ファイルの中身が大きすぎるため読み込めません。")


def _open(data: bytes):
    try:
        # Cached values, not formulas: a 番号 typed as =A5+1 reads as the number Excel shows.
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(
            "ファイルが壊れているか、Excel ブック（.xlsx）として読めません。"
        ) from error


def _find_header(ws) -> tuple[int, dict[str, int]] | None:
    for row in ws.iter_rows(
        min_row=1, max_row=min(ws.max_row, HEADER_SEARCH_ROWS), max_col=MAX_COLUMNS
    ):
        columns: dict[str, int] = {}
        for cell in row:
            key = header_key(cell.value)
            if key and key not in columns:
                columns[key] = cell.column
        if TITLE in columns and len(columns) >= 4:
            return row[0].row, columns
    return None


def workbook_read(data: bytes, *, filename: str = "") -> ImportedSheet:
    """Read a sheet from .xlsx bytes. Raises WorkbookError when the file is unusable as a whole;
    everything else is collected as problems (which block the import) and warnings."""
    check_upload(data, filename)
    workbook = _open(data)
    found = None
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue
        found = _find_header(ws)
        if found:
            break
    if not any(
        cell.value not in (None, "")
        for ws in workbook.worksheets
        for row in ws.iter_rows(max_row=min(ws.max_row, 50), max_col=MAX_COLUMNS)
        for cell in row
    ):
        raise WorkbookError("ファイルが空です。整理表を書いたシートがありません。")
    if found is None:
        raise WorkbookError(
            "整理表の見出しが見つかりません。「番号」「実施項目」「どの水準まで」"
            "「どのような方法で」「いつまで」「共通/課名」の見出しの行がある表を選んでください。"
        )
    if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
        raise WorkbookError(
            f"シート「{ws.title}」の行または列が多すぎます（{MAX_ROWS}行・{MAX_COLUMNS}列まで）。"
        )
    header_row, columns = found
    sheet = ImportedSheet(
        filename=filename,
        worksheet=ws.title,
        header_row=header_row,
        columns={key: get_column_letter(column) for key, column in columns.items()},
    )
    missing = [SHORT_LABELS[key] for key in (NUMBER, CATEGORY, DEADLINE) if key not in columns]
    if missing:
        sheet.warning(f"見出し「{'」「'.join(missing)}」の列がありません（空欄として読みます）。")
    prose_cells = _prose_cells(workbook)
    _read_header_block(ws, sheet)
    _read_items(ws, sheet, columns, prose_cells)
    others = [
        other.title
        for other in workbook.worksheets
        if other is not ws and other.sheet_state == "visible" and _find_header(other)
    ]
    if others:
        sheet.warning(
            f"シート「{ws.title}」を読みました。ほかのシート（{'、'.join(others)}）は読みません。"
        )
    return sheet


def _prose_cells(workbook) -> set[str]:
    """Cells this application exported as multi-line prose (so that they come back as prose)."""
    for prop in getattr(workbook, "custom_doc_props", None) or []:
        if prop.name == PROSE_PROPERTY and isinstance(prop.value, str):
            return set(prop.value.split())
    return set()


def _read_header_block(ws, sheet: ImportedSheet) -> None:
    cells: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows(min_row=1, max_row=sheet.header_row - 1, max_col=MAX_COLUMNS):
        for cell in row:
            value = cell_text(cell.value).strip()
            if value:
                cells[(cell.row, cell.column)] = value
    for (_, _), value in sorted(cells.items()):
        if "組織目標展開整理表" in value or "組織目標" in value:
            sheet.title = " ".join(value.split())
            break
    if sheet.title:
        normal = text.to_halfwidth_digits(sheet.title)
        if match := _TITLE_YEAR.search(normal):
            era_start = {"令和": 2019, "平成": 1989}[match[1]]
            sheet.title_fiscal_year = era_start + (1 if match[2] == "元" else int(match[2])) - 1
        if (match := _TITLE_DEPARTMENT.search(sheet.title)) and match[1].strip() != "部":
            sheet.title_department = match[1].strip()

    labels = {
        position: _HEADER_BLOCK_LABELS[_normal_label(value)]
        for position, value in cells.items()
        if _normal_label(value) in _HEADER_BLOCK_LABELS
    }

    def values_of(row: int, column: int) -> list[tuple[int, int, str]]:
        right = sorted((c, v) for (r, c), v in cells.items() if r == row and c > column)
        found = []
        for c, value in right:
            if (row, c) in labels:
                break
            found.append((row, c, value))
        if found:
            return found
        below = []
        for r in range(row + 1, sheet.header_row):
            if (r, column) in labels or (r, column) not in cells:
                break
            below.append((r, column, cells[(r, column)]))
        return below

    created_values, titles, names = [], [], []
    for (row, column), kind in sorted(labels.items()):
        values = values_of(row, column)
        if kind == "created":
            created_values += values
        else:
            target = titles if kind == "title" else names
            for r, _, value in values:
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


def _merged_anchors(ws, first_row: int, columns: set[int]) -> dict[tuple[int, int], tuple]:
    """Covered cell → its merged range's anchor (row, column), for the table's columns."""
    anchors = {}
    for merged in ws.merged_cells.ranges:
        if merged.max_row < first_row:
            continue
        for column in columns:
            if not merged.min_col <= column <= merged.max_col:
                continue
            for row in range(max(merged.min_row, first_row), merged.max_row + 1):
                if (row, column) != (merged.min_row, merged.min_col):
                    anchors[(row, column)] = (merged.min_row, merged.min_col)
    return anchors


def _read_items(ws, sheet: ImportedSheet, columns: dict[str, int], prose_cells: set[str]) -> None:
    first_row = sheet.header_row + 1
    anchors = _merged_anchors(ws, first_row, set(columns.values()))
    grid = {
        (cell.row, cell.column): cell.value
        for row in ws.iter_rows(min_row=first_row, max_row=ws.max_row, max_col=MAX_COLUMNS)
        for cell in row
        if cell.value is not None
    }

    def read(row: int, key: str) -> tuple[str, bool]:
        """(text, covered): covered means a merged cell from a row above holds the text."""
        column = columns.get(key)
        if column is None:
            return "", False
        anchor = anchors.get((row, column))
        if anchor is not None and anchor[0] != row:
            return cell_text(grid.get(anchor)), True
        position = anchor or (row, column)
        return cell_text(grid.get(position)), False

    header_texts = _header_texts(ws, sheet.header_row)
    last_column = ws.max_column  # computed from every cell each time it is asked for
    previous: ImportedItem | None = None
    for row in range(first_row, ws.max_row + 1):
        own = {}
        for key in columns:
            value, covered = read(row, key)
            if value.strip() and not covered:
                own[key] = value
        if not own:
            continue  # a blank row, or one entirely covered by merged cells
        too_long = [key for key, value in own.items() if len(value) > MAX_CELL_CHARS]
        for key in too_long:
            sheet.problem(
                f"文字数が多すぎます（{len(own[key]):,}文字）。{MAX_CELL_CHARS:,}文字までです。",
                row=row,
                key=key,
            )
        if too_long:
            continue
        row_values = [grid.get((row, c)) for c in range(1, last_column + 1)]
        if _is_header_like(row_values, header_texts):
            continue  # the header repeated at a page break (or its second line)
        if any(
            isinstance(v, str) and ("組織目標展開整理表" in v or _normal_label(v) == "作成日")
            for v in row_values
        ):
            continue  # the title block repeated on a later page
        if set(own) == {NUMBER} and not _ITEM_NUMBER.match(text.to_halfwidth_digits(own[NUMBER])):
            sheet.warning(f"注記として読み飛ばしました: {own[NUMBER][:40]}", row=row)
            continue
        item = _read_item(sheet, row, read, previous, prose_cells)
        if item is not None:
            sheet.items.append(item)
            previous = item
    if not sheet.items:
        sheet.problem("見出しの下に実施項目がありません。")


def _header_texts(ws, header_row: int) -> set[str]:
    """The header's labels as they may reappear at a page break: whole, without their
    parenthesised line, or that line alone."""
    texts = {_normal_label(label) for label in (*HEADER_LABELS.values(), *SHORT_LABELS.values())}
    for cell in next(ws.iter_rows(min_row=header_row, max_row=header_row, max_col=MAX_COLUMNS)):
        normal = _normal_label(cell.value)
        if normal:
            main, _, rest = normal.partition("(")
            texts |= {normal, main, f"({rest}" if rest else main}
    texts |= {text.split("(", 1)[0] for text in list(texts)}
    texts.discard("")
    return texts


def _is_header_like(values, header_texts: set[str]) -> bool:
    """The header repeated at a page break, or its parenthesised second line on a row of its
    own: three of the header's labels, or nothing but labels and bracketed text."""
    texts = [_normal_label(value) for value in values if isinstance(value, str) and value.strip()]
    labels = sum(1 for value in texts if value in header_texts)
    header_only = all(value in header_texts or re.fullmatch(r"\(.*\)", value) for value in texts)
    return labels >= 3 or (len(texts) >= 2 and header_only)


def _read_item(sheet, row, read, previous, prose_cells) -> ImportedItem | None:
    data = ItemData(number=0)
    item = ImportedItem(row=row, data=data)

    number_text, number_covered = read(row, NUMBER)
    normal = text.to_halfwidth_digits(number_text.strip())
    if number_covered or not normal:
        if previous is None:
            sheet.problem("最初の項目に番号がありません。", row=row, key=NUMBER)
        else:
            data.number = previous.data.number  # a merged or blank 番号 groups with the row above
    elif match := _ITEM_NUMBER.match(normal):
        data.number = int(match[1])
        if not 1 <= data.number <= 32767:
            sheet.problem(f"番号「{number_text}」は1以上にしてください。", row=row, key=NUMBER)
    else:
        sheet.problem(f"番号「{number_text}」が数字ではありません。", row=row, key=NUMBER)

    title, title_covered = read(row, TITLE)
    title = text.normalize_multiline(title)
    if title_covered or not title:
        if previous is None:
            sheet.problem("実施項目が空欄です。", row=row, key=TITLE)
            data.title = title
        else:
            data.continues_title = True
            if not title_covered:
                sheet.warning(
                    "実施項目が空欄のため、上の行の実施項目の続きとして読みます。",
                    row=row,
                    key=TITLE,
                )
    else:
        data.title = title

    achievement, achievement_covered = read(row, ACHIEVEMENT)
    if data.continues_title and (achievement_covered or not achievement.strip()):
        data.continues_achievement = True
    else:
        data.achievement, data.achievement_as_prose = bullets_from_cell(achievement)
        data.achievement_as_prose = data.achievement_as_prose or _exported_as_prose(
            sheet, prose_cells, row, ACHIEVEMENT, achievement_covered, achievement
        )
    method, method_covered = read(row, METHOD)
    data.method, data.method_as_prose = bullets_from_cell(method)
    data.method_as_prose = data.method_as_prose or _exported_as_prose(
        sheet, prose_cells, row, METHOD, method_covered, method
    )
    data.category = text.clean_line(" ".join(read(row, CATEGORY)[0].split()))
    data.deadline = text.clean_line(" ".join(read(row, DEADLINE)[0].split()))
    for key in (INDICATOR, BASELINE, TARGET):
        setattr(data, key, text.normalize_multiline(read(row, key)[0]))

    carriers = text.split_names(read(row, CARRIERS)[0])
    data.common = any(_normal_label(name) == "共通" for name in carriers)
    data.sections = [name for name in carriers if _normal_label(name) != "共通"]
    if not carriers:
        sheet.warning("共通/課名が空欄です（担当なしで読み込みます）。", row=row, key=CARRIERS)

    status = read(row, STATUS)[0]
    for line in status.split("\n"):
        line = text.clean_line(line)
        if line:
            item.status_lines.append(_status_line(line, data))
    return item


def _prose_mark(coordinate: str, value: str) -> str:
    """A cell and a digest of its text: an edited or moved cell no longer matches."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:10]
    return f"{coordinate}:{digest}"


def _exported_as_prose(sheet, prose_cells, row, key, covered, value) -> bool:
    if not prose_cells or covered:
        return False
    return _prose_mark(f"{sheet.columns.get(key)}{row}", value) in prose_cells


def _status_line(line: str, data: ItemData) -> tuple[str, str]:
    """`障害福祉課: ほぼ達成した` names one section; anything else (`C: 目標水準を達成した`, a
    plain phrase) is the level of every section carrying the item."""
    if match := re.match(r"^(.+?)\s*[:：]\s*(.+)$", line):
        known = {_normal_label(section) for section in data.sections} | {"部"}
        if _normal_label(match[1]) in known:
            return match[1].strip(), match[2].strip()
    return "", line


# Import: checking against the database --------------------------------------------------------


@dataclass
class PlanRow:
    """One item as the preview shows it."""

    imported: ImportedItem
    category_is_new: bool = False
    new_sections: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def data(self) -> ItemData:
        return self.imported.data


@dataclass
class ImportPlan:
    """What confirming would write, and every reason it cannot yet."""

    imported: ImportedSheet
    fiscal_year_number: int
    department_name: str
    fiscal_year: object = None
    department: object = None
    existing: object = None
    existing_items: int = 0
    existing_reviews: int = 0
    create_fiscal_year: bool = False
    create_department: bool = False
    data: SheetData | None = None
    achievements: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    new_categories: list[str] = field(default_factory=list)
    new_sections: list[str] = field(default_factory=list)
    rows: list[PlanRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Categories or sections the file names that are not registered (and not to be created).
    unknown_names: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fiscal_year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year_number)

    @property
    def achievement_count(self) -> int:
        return sum(len(lines) for lines in self.achievements.values())

    @property
    def group_count(self) -> int:
        return len({row.data.number for row in self.rows})


def _comparable(name: str) -> str:
    return _normal_label(name)


_FIELD_KEYS = {
    "number": NUMBER,
    "title": TITLE,
    "continues_title": TITLE,
    "continues_achievement": ACHIEVEMENT,
    "achievement": ACHIEVEMENT,
    "method": METHOD,
    "deadline": DEADLINE,
    "indicator": INDICATOR,
    "baseline": BASELINE,
    "target": TARGET,
}


# Checked above with a message of our own; full_clean would repeat it for CharFields.
_TEXT_LIMITED = ["title", "achievement", "method", "deadline", "indicator", "baseline", "target"]


def import_plan(
    imported: ImportedSheet,
    *,
    fiscal_year: int,
    department: str,
    create_missing: bool = False,
    replace: bool | None = None,
    may_replace_frozen: bool = True,
) -> ImportPlan:
    """Check what was read against the database, without writing anything.

    `create_missing`: unknown categories and sections (and, for the command, the fiscal year and
    department) are to be created rather than reported. `replace`: None leaves the decision to
    the confirmation step; False makes an existing sheet a problem. `may_replace_frozen`: whether
    a submitted or accepted sheet may be replaced (planning staff, the command).
    """
    plan = ImportPlan(
        imported=imported,
        fiscal_year_number=fiscal_year,
        department_name=department,
        problems=list(imported.problems),
        warnings=list(imported.warnings),
    )
    scale = _plan_target(plan, create_missing, replace, may_replace_frozen)
    checker = _ItemChecker(plan, scale, create_missing)
    for position, item in enumerate(imported.items):
        checker.check(position, item)
    plan.new_categories = list(checker.new_categories.values())
    plan.new_sections = list(checker.new_sections.values())
    plan.data = SheetData(
        created_on=imported.created_on or datetime.date(fiscal_year, 4, 1),
        revisions=list(imported.revisions),
        signers=list(imported.signers),
        items=[item.data for item in imported.items],
    )
    return plan


def _plan_target(plan: ImportPlan, create_missing, replace, may_replace_frozen):
    """The fiscal year, department and existing sheet; returns the 達成状況 scale to check."""
    from departments.models import Department
    from goals.models import FiscalYear, GoalSheet
    from reviews.models import Review

    year = plan.fiscal_year_number
    label = fiscal_year_label(year)
    plan.fiscal_year = (
        FiscalYear.objects.select_related("achievement_scale")
        .prefetch_related("achievement_scale__levels")
        .filter(year=year)
        .first()
    )
    scale = plan.fiscal_year.achievement_scale if plan.fiscal_year else None
    if plan.fiscal_year is None and create_missing:
        plan.create_fiscal_year = True
        _, scale = fiscal_year_default_scales()
        if scale is None:
            plan.problems.append(
                Problem(f"{label}を作成できません。先に達成状況の尺度を登録してください。")
            )
    elif plan.fiscal_year is None:
        plan.problems.append(Problem(f"{label}は登録されていません。"))

    wanted = _comparable(plan.department_name)
    plan.department = next(
        (d for d in Department.objects.all() if _comparable(d.name) == wanted), None
    )
    if plan.department is not None:
        plan.department_name = plan.department.name
    elif create_missing:
        plan.create_department = True
    else:
        plan.problems.append(Problem(f"部「{plan.department_name}」は登録されていません。"))

    if plan.fiscal_year and plan.department:
        plan.existing = GoalSheet.objects.filter(
            fiscal_year=plan.fiscal_year, department=plan.department
        ).first()
    if plan.existing is not None:
        plan.existing_items = plan.existing.items.count()
        plan.existing_reviews = Review.objects.filter(item__sheet=plan.existing).count()
        where = f"{label}の{plan.department_name}の整理表"
        if replace is False:
            plan.problems.append(Problem(f"{where}は既にあります。"))
        elif not plan.existing.is_editable and not may_replace_frozen:
            plan.problems.append(
                Problem(
                    f"{where}は「{plan.existing.get_status_display()}」のため置き換えられません。"
                    "差し戻された後に読み込むか、企画・政策担当に依頼してください。"
                )
            )

    imported = plan.imported
    if imported.title_fiscal_year and imported.title_fiscal_year != year:
        plan.warnings.append(
            Problem(
                f"ファイルの表題は{fiscal_year_label(imported.title_fiscal_year)}です"
                f"（{label}として読み込みます）。"
            )
        )
    if imported.title_department and _comparable(imported.title_department) != _comparable(
        plan.department_name
    ):
        plan.warnings.append(
            Problem(
                f"ファイルの表題は「{imported.title_department}」です"
                f"（{plan.department_name}として読み込みます）。"
            )
        )
    return scale


class _ItemChecker:
    """Resolves an item's names (in place, to their registered spelling) and checks its fields."""

    def __init__(self, plan: ImportPlan, scale, create_missing: bool):
        from goals.models import Category

        self.plan = plan
        self.scale = scale
        self.create_missing = create_missing
        self.categories = {_comparable(c.name): c.name for c in Category.objects.all()}
        self.sections = {}
        if plan.department is not None:
            self.sections = {_comparable(s.name): s for s in plan.department.sections.all()}
        self.new_categories: dict[str, str] = {}
        self.new_sections: dict[str, str] = {}
        # Sections of an unknown department cannot be checked; that department is the problem.
        self.check_sections = plan.department is not None or create_missing

    def check(self, position: int, item: ImportedItem) -> None:
        row = PlanRow(imported=item)
        self.plan.rows.append(row)
        self.row, self.item = row, item
        self._category(item.data)
        if item.status_lines and not (item.data.common or item.data.sections):
            self.problem(
                "共通/課名が空欄のため、達成状況を誰の確認として読み込むか決められません。", STATUS
            )
        if self.check_sections:
            self._sections(item.data)
        lines = self._status_lines(item)
        if lines:
            self.plan.achievements[position] = lines
        self._fields(item.data)

    def problem(self, message: str, key: str | None) -> None:
        located = self.plan.imported.locate(message, self.item.row, key)
        self.row.problems.append(located)
        self.plan.problems.append(located)

    def _category(self, data: ItemData) -> None:
        if not data.category:
            return
        key = _comparable(data.category)
        if key in self.categories:
            data.category = self.categories[key]
        elif self.create_missing:
            data.category = self.new_categories.setdefault(key, data.category)
            self.row.category_is_new = True
        else:
            self.problem(f"分類「{data.category}」は登録されていません。", CATEGORY)
            self.plan.unknown_names = True

    def _sections(self, data: ItemData) -> None:
        resolved: list[str] = []
        year = self.plan.fiscal_year_number
        for name, section in _resolve_sections(data.sections, self.sections):
            if section is not None:
                if not section.is_active_in(year):
                    self.problem(
                        f"課「{section.name}」は{fiscal_year_label(year)}にはありません。",
                        CARRIERS,
                    )
                canonical = section.name
            elif self.create_missing:
                canonical = self.new_sections.setdefault(_comparable(name), name)
                self.row.new_sections.append(canonical)
            else:
                self.problem(
                    f"課「{name}」は{self.plan.department_name}に登録されていません。", CARRIERS
                )
                self.plan.unknown_names = True
                continue
            if canonical not in resolved:
                resolved.append(canonical)
        data.sections = resolved

    def _status_lines(self, item: ImportedItem) -> list[tuple[str, str]]:
        from reviews.services import achievement_level_lookup

        lines = []
        for section_name, phrase in item.status_lines:
            if self.scale is not None and achievement_level_lookup(self.scale, phrase) is None:
                choices = "、".join(level.label for level in self.scale.levels.all())
                self.problem(
                    f"達成状況「{phrase}」は尺度「{self.scale.name}」にありません（{choices}）。",
                    STATUS,
                )
            if section_name and section_name != "部":
                wanted = _comparable(section_name)
                section_name = next(
                    (name for name in item.data.sections if _comparable(name) == wanted),
                    section_name,
                )
            lines.append((section_name, phrase))
        return lines

    def _fields(self, data: ItemData) -> None:
        """The model's own rules (lengths, continuation) and the deadline, as the write will."""
        from goals.models import GoalItem

        candidate = GoalItem(
            number=data.number or 1,
            title=data.title,
            continues_title=data.continues_title,
            continues_achievement=data.continues_achievement,
            achievement=text.join_bullets(data.achievement),
            achievement_as_prose=data.achievement_as_prose,
            method=text.join_bullets(data.method),
            method_as_prose=data.method_as_prose,
            deadline=data.deadline,
            is_common=data.common,
            indicator=data.indicator,
            baseline=data.baseline,
            target=data.target,
        )
        # A TextField's max_length binds only the forms; the editor's forms apply it, so do we.
        for name, key in _FIELD_KEYS.items():
            model_field = GoalItem._meta.get_field(name)
            value = getattr(candidate, name)
            limit = getattr(model_field, "max_length", None)
            if isinstance(value, str) and limit and len(value) > limit:
                self.problem(
                    f"{limit:,}文字以内にしてください（{len(value):,}文字あります）。", key
                )
        try:
            candidate.full_clean(
                exclude=["sheet", "category", *_TEXT_LIMITED],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problem(message, _FIELD_KEYS.get(name))
        try:
            deadline_parse(data.deadline, fiscal_year=self.plan.fiscal_year_number)
        except ValueError as error:
            self.problem(str(error), DEADLINE)


def _resolve_sections(names: list[str], known: dict) -> list[tuple[str, object]]:
    """Names typed in one cell → sections. A name wrapped onto two lines in a narrow cell
    (子ども若者 / 計画課) is joined back when the joined name is known."""
    resolved = []
    index = 0
    while index < len(names):
        for end in range(len(names), index, -1):
            joined = "".join(names[index:end])
            if _comparable(joined) in known:
                resolved.append((joined, known[_comparable(joined)]))
                index = end
                break
        else:
            resolved.append((names[index], None))
            index += 1
    return resolved


# Carrying a checked plan from the preview to the confirmation (signed, never trusted blindly:
# the services check everything again when writing).


def plan_payload(plan: ImportPlan) -> dict:
    data = plan.data
    return {
        "fiscal_year": plan.fiscal_year.pk,
        "department": plan.department.pk,
        "existing_version": plan.existing.version if plan.existing else None,
        "filename": plan.imported.filename,
        "created_on": data.created_on.isoformat(),
        "revisions": [day.isoformat() for day in data.revisions],
        "signers": [[signer.title, signer.name] for signer in data.signers],
        "items": [asdict(item) for item in data.items],
        "achievements": [
            [position, [list(line) for line in lines]]
            for position, lines in plan.achievements.items()
        ],
        "new_categories": plan.new_categories,
        "new_sections": plan.new_sections,
    }


def sheet_data_from_payload(payload: dict) -> SheetData:
    fields = set(ItemData.__dataclass_fields__)
    return SheetData(
        created_on=datetime.date.fromisoformat(payload["created_on"]),
        revisions=[datetime.date.fromisoformat(day) for day in payload["revisions"]],
        signers=[SignerData(title=title, name=name) for title, name in payload["signers"]],
        items=[
            ItemData(**{key: value for key, value in item.items() if key in fields})
            for item in payload["items"]
        ],
    )


def achievements_from_payload(payload: dict) -> dict[int, list[tuple[str, str]]]:
    return {
        int(position): [(section, phrase) for section, phrase in lines]
        for position, lines in payload["achievements"]
    }
