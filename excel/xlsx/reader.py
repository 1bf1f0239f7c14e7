"""Import: reading a workbook (the table found anywhere, its header block, the items)."""

from __future__ import annotations

import hashlib
import io
import re
import threading
import zipfile

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange

from core import text
from excel.xlsx import accounting as acct
from excel.xlsx import header_block, rows
from excel.xlsx.accounting import Accounting, CellUse
from excel.xlsx.cells import (
    ACHIEVEMENT,
    BASELINE,
    CARRIERS,
    CATEGORY,
    DEADLINE,
    HEADER_LABELS,
    INDICATOR,
    METHOD,
    NUMBER,
    SHORT_LABELS,
    STATUS,
    TARGET,
    TITLE,
)
from excel.xlsx.grid import Grid, grid_of
from excel.xlsx.header_block import read_header_block
from excel.xlsx.mapping import (
    header_key,
    heading_key,
    mapping_apply,
    read_headings,
    remembered_apply,
)
from excel.xlsx.sheet import (
    ImportedItem,
    ImportedSheet,
    Problem,
    WorkbookError,
    cell_text,
)
from excel.xlsx.sheet import normal_label as _normal_label
from excel.xlsx.upload import MAX_UNCOMPRESSED_BYTES, OLE_SIGNATURE, check_upload
from excel.xlsx.worksheets import worksheet_default, worksheet_describe
from goals.services import ItemData

__all__ = [
    "MAX_UNCOMPRESSED_BYTES",
    "OLE_SIGNATURE",
    "ImportedItem",
    "ImportedSheet",
    "Problem",
    "WorkbookError",
    "cell_text",
    "check_upload",
    "header_key",
]

# Import: reading a workbook ---------------------------------------------------------------------

MAX_CELL_CHARS = 10_000  # no cell of a real sheet comes near; the fields' own limits are lower
MAX_ROWS = 5_000
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 200
PROSE_PROPERTY = "soshiki-mokuhyo:prose-cells"


_DITTO = {"〃", "″", "同上", "同左", "々"}
_COMMON = {"共通", "(共通)", "[共通]", "部共通", "全課共通"}
_ITEM_NUMBER = re.compile(r"^\s*(?:No\.?\s*)?(\d{1,5})\s*[.．)）]?\s*$", re.IGNORECASE)
# A list whose lines carry their own numbering (①, (1), 1., ア.) is printed as typed.
_NUMBERED_LINE = re.compile(
    r"^[\s\u3000]*(?:[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf\u2776-\u277f\u2780-\u2789]"
    r"|[(（]\s*(?:\d+|[一二三四五六七八九十]+)\s*[)）]"
    r"|\d+\s*[.．)）、]"
    r"|[アイウエオカキクケコ]\s*[.．)）、])"
)


def bullets_from_cell(value: str) -> tuple[list[str], bool]:
    """(lines, as_prose) from a cell: `・`, `●`, `〇`, `-` or plain line breaks make bullets.

    When the cell's lines carry markers, a line without one is the same bullet wrapped
    (Alt+Enter inside a sentence), not a new bullet. A single line without a marker is prose,
    and so is a list whose every line carries its own numbering (①…, (1)…): both are printed as
    typed.
    """
    raw = [line for line in (value or "").split("\n") if line.strip()]
    if any(text.has_bullet_marker(line) for line in raw):
        lines: list[str] = []
        for line in raw:
            if text.has_bullet_marker(line) or not lines:
                lines.append(text.strip_bullet(line))
            else:
                lines[-1] = _joined(lines[-1], text.clean_line(line))
        return [line for line in lines if line], False
    lines = text.split_bullets(value)
    if not lines:
        return [], False
    if len(lines) == 1 or all(_NUMBERED_LINE.match(line) for line in lines):
        return lines, True
    return lines, False


def _joined(before: str, after: str) -> str:
    """A sentence wrapped onto the next line, joined back (a space between Latin words)."""
    if before and after and before[-1].isascii() and before[-1].isalnum() and after[0].isascii():
        return f"{before} {after}"
    return before + after


# openpyxl redraws the borders of every merged range as it loads a workbook (MergedCellRange
# .format), which is most of the time spent loading a sheet with hundreds of merged cells; the
# import never looks at borders. The wrapper skips that step only in a thread that is loading a
# workbook for the import; everywhere else (the export merging cells) it does what it did.
_loading = threading.local()
_format_borders = MergedCellRange.format


def _format_unless_importing(self):
    if not getattr(_loading, "active", False):
        _format_borders(self)


MergedCellRange.format = _format_unless_importing


def _open(data: bytes):
    _loading.active = True
    try:
        return _load(data)
    finally:
        _loading.active = False


def _has_struck_runs(data: bytes) -> bool:
    """Whether a string or an inline string of the workbook has a run with strike set."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return any(
            b"strike" in archive.read(name)
            for name in archive.namelist()
            if name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/sheet")
        )
    except (zipfile.BadZipFile, OSError, RuntimeError, KeyError):
        return True


def _load(data: bytes):
    try:
        # Cached values, not formulas: a 番号 typed as =A5+1 reads as the number Excel shows.
        # Rich text kept when some run is struck through (見え消し), to tell it from the rest;
        # reading every string as rich text costs, so only then.
        return load_workbook(io.BytesIO(data), data_only=True, rich_text=_has_struck_runs(data))
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(
            "ファイルが壊れているか、Excel ブック（.xlsx）として読めません。"
        ) from error


def _find_header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    for row in grid.rows():
        if row > HEADER_SEARCH_ROWS:
            break
        columns: dict[str, int] = {}
        for column, value in grid.row_cells(row):
            key = heading_key(value)[0]
            if key and key not in columns and column <= MAX_COLUMNS:
                columns[key] = column
        below = {heading_key(value)[0] for _, value in grid.row_cells(row + 1)} - {""}
        if TITLE in columns and len(set(columns) | below) >= 4:
            return row, columns
    return None


def workbook_read(
    data: bytes,
    *,
    filename: str = "",
    mapping: dict[str, str] | None = None,
    worksheet: str | None = None,
    department: str = "",
    fiscal_year: int | None = None,
    remembered: dict[str, str] | None = None,
) -> ImportedSheet:
    """Read a sheet from .xlsx bytes. Raises WorkbookError when the file is unusable as a whole;
    everything else is collected as problems (which block the import) and warnings.

    `mapping`: column letter → field ("" for none), as chosen in the preview or with
    `import_xlsx --map`; the other columns keep what their headings say. `worksheet`: the one
    to read; without it, the one naming `department` and `fiscal_year` (the target), never an
    example sheet, else the first that looks like a sheet."""
    check_upload(data, filename)
    workbook = _open(data)
    grids, candidates = {}, {}
    for candidate in workbook.worksheets:
        grids[candidate.title] = grid_of(candidate)
        if candidate.sheet_state != "visible":
            continue
        if found := _find_header(grids[candidate.title]):
            candidates[candidate.title] = (candidate, found)
    if not any(g.values or g.excluded for g in grids.values()):
        raise WorkbookError("ファイルが空です。整理表を書いたシートがありません。")
    choices = [
        worksheet_describe(name, grids[name], found[0], department=department, year=fiscal_year)
        for name, (_, found) in candidates.items()
    ]
    if worksheet and worksheet not in candidates:
        raise WorkbookError(f"シート「{worksheet}」には整理表の見出しがありません。")
    found = ws = grid = None
    if choices:
        chosen = worksheet or worksheet_default(choices).name
        ws, found = candidates[chosen]
        grid = grids[chosen]
    if found is None:
        raise WorkbookError(
            "整理表の見出しが見つかりません。「番号」「実施項目」「どの水準まで」"
            "「どのような方法で」「いつまで」「共通/課名」の見出しの行がある表を選んでください。"
        )
    # Rows with content, not the sheet's dimension: borders drawn to row 6,000 do not count.
    if len(grid.rows()) > MAX_ROWS or grid.max_column > MAX_COLUMNS:
        raise WorkbookError(
            f"シート「{ws.title}」の行または列が多すぎます"
            f"（内容のある行は{MAX_ROWS:,}行・{MAX_COLUMNS}列まで）。"
        )
    heading_row = found[0]
    header_row, headings = read_headings(grid, _heading_merges(ws, heading_row), heading_row)
    sheet = ImportedSheet(
        filename=filename, worksheet=ws.title, header_row=header_row, heading_row=heading_row
    )
    sheet.worksheets = choices
    remembered_apply(headings, remembered or {})
    for message in mapping_apply(headings, mapping or {}):
        sheet.problem(message)
    sheet.headings = headings
    columns = {heading.key: heading.column for heading in headings if heading.key}
    sheet.columns = {key: get_column_letter(column) for key, column in columns.items()}
    missing = [SHORT_LABELS[key] for key in (NUMBER, CATEGORY, DEADLINE) if key not in columns]
    if missing:
        sheet.warning(f"見出し「{'」「'.join(missing)}」の列がありません（空欄として読みます）。")
    prose_cells = _prose_cells(workbook)
    used = Accounting()
    for use in grid.excluded:
        used.add(use)
    read_header_block(grid, sheet, used)
    _read_items(ws, grid, sheet, columns, prose_cells, used)
    sheet.cells = _account(grid, sheet, columns, used)
    others = [name for name in candidates if name != ws.title]
    if others:
        sheet.warning(
            f"シート「{ws.title}」を読みました。ほかのシート（{'、'.join(others)}）は読みません。"
        )
    return sheet


def _heading_merges(ws, heading_row: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Covered cell → its merged range's anchor, for the (up to two) heading rows."""
    covered = {}
    for merged in ws.merged_cells.ranges:
        if merged.max_row < heading_row or merged.min_row > heading_row + 1:
            continue
        for row in range(
            max(merged.min_row, heading_row), min(merged.max_row, heading_row + 1) + 1
        ):
            for column in range(merged.min_col, merged.max_col + 1):
                if (row, column) != (merged.min_row, merged.min_col):
                    covered[(row, column)] = (merged.min_row, merged.min_col)
    return covered


def _prose_cells(workbook) -> set[str]:
    """Cells this application exported as multi-line prose (so that they come back as prose)."""
    for prop in getattr(workbook, "custom_doc_props", None) or []:
        if prop.name == PROSE_PROPERTY and isinstance(prop.value, str):
            return set(prop.value.split())
    return set()


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


def _read_items(ws, grid: Grid, sheet, columns, prose_cells, used: Accounting) -> None:
    first_row = sheet.header_row + 1
    anchors = _merged_anchors(ws, first_row, set(columns.values()))
    values = grid.values

    def read(row: int, key: str) -> tuple[str, bool]:
        """(text, covered): covered means a merged cell from a row above holds the text."""
        column = columns.get(key)
        if column is None:
            return "", False
        anchor = anchors.get((row, column))
        if anchor is not None and anchor[0] != row:
            return cell_text(values.get(anchor)), True
        position = anchor or (row, column)
        return cell_text(values.get(position)), False

    for heading_row in range(sheet.heading_row, sheet.header_row + 1):
        for column, value in grid.row_cells(heading_row):
            key = next((k for k, c in columns.items() if c == column), None)
            if key:
                used.read(heading_row, column, cell_text(value), f"見出し（{SHORT_LABELS[key]}）")
    header_texts = _header_texts(grid, sheet.header_row)
    block_texts = header_block.block_texts(sheet, used)
    previous: ImportedItem | None = None
    for row in grid.rows():
        if row < first_row:
            continue
        row_cells = grid.row_cells(row)

        def skip(reason, row=row, row_cells=row_cells):
            for column, value in row_cells:
                used.unread(row, column, cell_text(value), reason)

        kind = rows.row_kind(
            [value for _, value in row_cells], title=sheet.title, block_texts=block_texts
        )
        if kind == "page":
            skip(acct.PAGE_NUMBER)
            continue
        if kind == "title":
            skip(acct.REPEATED_TITLE)
            continue
        own = {}
        for key in columns:
            value, covered = read(row, key)
            if value.strip() and not covered:
                own[key] = value
        if kind == "note":
            sheet.warning(f"注記として読み込みません: {cell_text(row_cells[0][1])[:40]}", row=row)
            skip(acct.NOTE)
            continue
        if not own:
            continue  # only columns not read: accounted for as such at the end
        too_long = [key for key, value in own.items() if len(value) > MAX_CELL_CHARS]
        for key in too_long:
            sheet.problem(
                f"文字数が多すぎます（{len(own[key]):,}文字）。{MAX_CELL_CHARS:,}文字までです。",
                row=row,
                key=key,
            )
        if too_long:
            skip(acct.TOO_LONG)
            continue
        if _is_header_like([value for _, value in row_cells], header_texts):
            skip(acct.REPEATED_HEADING)  # the header repeated at a page break (or its 2nd line)
            continue
        if set(own) == {NUMBER} and not _ITEM_NUMBER.match(text.to_halfwidth_digits(own[NUMBER])):
            sheet.warning(f"注記として読み込みません: {next(iter(own.values()))[:40]}", row=row)
            skip(acct.NOTE)
            continue
        item = _read_item(sheet, row, read, previous, prose_cells)
        if item is not None:
            sheet.items.append(item)
            previous = item
            _account_item(item, len(sheet.items), row, columns, anchors, values, used)
    if not sheet.items:
        sheet.problem("見出しの下に実施項目がありません。")


def _account_item(item, position, row, columns, anchors, values, used) -> None:
    for key, column in columns.items():
        if (row, column) in values and anchors.get((row, column), (row,))[0] == row:
            target = f"{position}件目の実施項目（番号{item.data.number}）の{SHORT_LABELS[key]}"
            used.read(row, column, cell_text(values[(row, column)]), target)


def _account(grid: Grid, sheet: ImportedSheet, columns: dict[str, int], used) -> list[CellUse]:
    """Every cell not yet accounted for: why it is not read."""
    mapped = set(columns.values())
    headings = {heading.column: heading.heading for heading in sheet.headings}
    for (row, column), value in grid.values.items():
        if used.has(row, column):
            continue
        typed = cell_text(value)
        if row < sheet.heading_row:
            reason = acct.ABOVE_TABLE
        elif row <= sheet.header_row:
            reason = acct.UNMAPPED_HEADING
        elif column not in mapped:
            heading = " ".join(cell_text(headings.get(column)).split())
            reason = (
                f"読み込まない列（見出し「{heading}」）" if heading else "見出しのない列（表の外）"
            )
        else:
            reason = "表の行として読めない"
        used.unread(row, column, typed, reason)
    return used.cells()


def _header_texts(grid: Grid, header_row: int) -> set[str]:
    """The header's labels as they may reappear at a page break: whole, without their
    parenthesised line, or that line alone."""
    texts = {_normal_label(label) for label in (*HEADER_LABELS.values(), *SHORT_LABELS.values())}
    for _, value in grid.row_cells(header_row):
        normal = _normal_label(value)
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
    if _normal_label(data.category) in _DITTO and previous is not None:
        data.category = previous.data.category  # 〃 / 同上: the value above
    data.deadline = text.clean_line(" ".join(read(row, DEADLINE)[0].split()))
    for key in (INDICATOR, BASELINE, TARGET):
        setattr(data, key, text.normalize_multiline(read(row, key)[0]))

    carriers = text.split_names(read(row, CARRIERS)[0])
    if len(carriers) > 1 and all(len(name) == 1 for name in carriers):
        carriers = ["".join(carriers)]  # a name typed vertically, one character a line
    if len(carriers) == 1 and _normal_label(carriers[0]) in _DITTO and previous is not None:
        data.common, data.sections = previous.data.common, list(previous.data.sections)
    else:
        data.common = any(_normal_label(name) in _COMMON for name in carriers)
        data.sections = [name for name in carriers if _normal_label(name) not in _COMMON]
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
