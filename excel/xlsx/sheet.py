"""Import: what a workbook holds as read (before the database is asked), and its problems."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from core.fields import strip_control_characters
from core.wareki import wareki_date
from excel.xlsx import accounting as acct
from excel.xlsx.accounting import CellUse
from excel.xlsx.cells import SHORT_LABELS, STATUS
from goals.services import ItemData, SignerData


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
    header_row: int = 0  # the (last) heading row: items start below it
    heading_row: int = 0  # the first heading row (the one above, for a heading over two rows)
    headings: list = field(default_factory=list)  # ColumnHeading, left to right
    worksheets: list = field(default_factory=list)  # WorksheetChoice: those that look like sheets
    columns: dict[str, str] = field(default_factory=dict)  # key → column letter
    created_on: datetime.date | None = None
    revisions: list[datetime.date] = field(default_factory=list)
    signers: list[SignerData] = field(default_factory=list)
    items: list[ImportedItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Every non-empty cell of the worksheet: where it went, or why it was not read.
    cells: list[CellUse] = field(default_factory=list)

    @property
    def unread_cells(self) -> list[CellUse]:
        return [use for use in self.cells if use.reason]

    @property
    def blocking_unread(self) -> list[CellUse]:
        """Content that would be left unread (page numbers and repeated headings aside)."""
        return [use for use in self.cells if use.blocking]

    @property
    def accounting(self) -> dict[str, int]:
        return acct.summary(self.cells)

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


def normal_label(value) -> str:
    """A header or label as compared: NFKC (full-width brackets → half-width), no spaces."""
    if not isinstance(value, str):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


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
