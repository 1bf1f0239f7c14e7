"""Import: where every non-empty cell of the worksheet went.

Each cell the reader meets gets a `CellUse`: the field it lands in (an item's 実施項目, the
作成日, a signer's 氏名, a heading) or the reason it is not read (a column not mapped, a hidden
row, struck-through text, a page number, a note under the table, …). The preview lists the
cells not read under 「読み込まない内容」, and `import_xlsx` refuses to go on while content
(`blocking`) would be left unread, unless told `--allow-unread`.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

# Reasons for layout rather than content: listed, but they never stop an import.
PAGE_NUMBER = "ページ番号"
REPEATED_HEADING = "見出しの繰り返し（改ページ）"
REPEATED_TITLE = "表題・作成日の繰り返し（改ページ）"
UNMAPPED_HEADING = "読み込まない列の見出し"
LAYOUT_REASONS = {PAGE_NUMBER, REPEATED_HEADING, REPEATED_TITLE, UNMAPPED_HEADING}

NOTE = "注記（※）"
ABOVE_TABLE = "表の上にあり、表題・作成日・職名・氏名のどれでもない"
TOO_LONG = "文字数が多すぎる"
DISPLAY_CHARS = 60


@dataclass
class CellUse:
    """One cell (or the struck-through part of one): where it went, or why it did not."""

    row: int
    column: int
    value: str
    target: str = ""
    reason: str = ""

    @property
    def address(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    @property
    def is_read(self) -> bool:
        return not self.reason

    @property
    def blocking(self) -> bool:
        """Content left unread (not layout such as a page number)."""
        return bool(self.reason) and self.reason not in LAYOUT_REASONS

    @property
    def excerpt(self) -> str:
        value = " ".join(self.value.split())
        return value if len(value) <= DISPLAY_CHARS else value[: DISPLAY_CHARS - 1] + "…"

    def __str__(self) -> str:
        where = self.target or f"読み込まない: {self.reason}"
        return f"{self.address}「{self.excerpt}」→ {where}"


class Accounting:
    """Collects the uses while reading; `cells()` gives them in sheet order."""

    def __init__(self):
        self.uses: dict[tuple[int, int], CellUse] = {}
        self.extra: list[CellUse] = []

    def read(self, row: int, column: int, value, target: str) -> None:
        self.uses.setdefault((row, column), CellUse(row, column, _text(value), target=target))

    def unread(self, row: int, column: int, value, reason: str) -> None:
        self.uses.setdefault((row, column), CellUse(row, column, _text(value), reason=reason))

    def add(self, use: CellUse) -> None:
        self.extra.append(use)

    def has(self, row: int, column: int) -> bool:
        return (row, column) in self.uses

    def cells(self) -> list[CellUse]:
        return sorted([*self.uses.values(), *self.extra], key=lambda use: (use.row, use.column))


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def summary(cells: list[CellUse]) -> dict[str, int]:
    """Counts for the preview: cells read, left unread (content), layout not read."""
    return {
        "all": len(cells),
        "read": sum(1 for use in cells if use.is_read),
        "unread": sum(1 for use in cells if use.blocking),
        "layout": sum(1 for use in cells if use.reason and not use.blocking),
    }
