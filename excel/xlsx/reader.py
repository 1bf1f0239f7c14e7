"""Import: reading a workbook (the table found anywhere, its header block, the items)."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core import text
from core.fields import strip_control_characters
from core.wareki import parse_date, wareki_date
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
from goals.services import ItemData, SignerData

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
