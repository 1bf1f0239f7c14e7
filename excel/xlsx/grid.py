"""Import: a worksheet's cells as the reader sees them.

Only what Excel shows is read: cells in hidden rows or columns, text struck through (the whole
cell, or runs inside rich text: 見え消し) are left out of the grid and listed as not read, with
the reason. A date cell formatted as a month (`m月`, `ggge年m月`) becomes that month as text, so
that `令和8年12月` stays a month and never turns into the first of the month.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.utils import get_column_letter

from core.wareki import era_of, era_year_label
from excel.xlsx.accounting import CellUse

HIDDEN_ROW = "非表示の行"
HIDDEN_COLUMN = "非表示の列"
STRUCK = "取り消し線（見え消し）"


@dataclass
class Grid:
    """Non-empty visible cells: (row, column) → value (str, number or date)."""

    title: str
    values: dict[tuple[int, int], object] = field(default_factory=dict)
    excluded: list[CellUse] = field(default_factory=list)

    _by_row: dict[int, list[tuple[int, object]]] | None = None

    def rows(self) -> list[int]:
        return sorted(self._rows())

    def row_cells(self, row: int) -> list[tuple[int, object]]:
        """(column, value) of the row's non-empty cells, left to right."""
        return self._rows().get(row, [])

    def _rows(self) -> dict[int, list[tuple[int, object]]]:
        if self._by_row is None:
            self._by_row = {}
            for (row, column), value in sorted(self.values.items()):
                self._by_row.setdefault(row, []).append((column, value))
        return self._by_row

    @property
    def max_row(self) -> int:
        return max((row for row, _ in self.values), default=0)

    @property
    def max_column(self) -> int:
        return max((column for _, column in self.values), default=0)


def _hidden_columns(ws) -> set[int]:
    hidden = set()
    for dimension in ws.column_dimensions.values():
        if dimension.hidden and dimension.min:
            hidden |= set(range(dimension.min, (dimension.max or dimension.min) + 1))
    return hidden


_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _month_text(value: datetime.date, number_format: str) -> str | None:
    """The month a date cell shows when its format names no day (None when it shows a day)."""
    codes = _QUOTED.sub("", number_format or "").lower()
    if "d" in codes or "m" not in codes or "h" in codes or "s" in codes or "general" in codes:
        return None
    if "e" in codes or "g" in codes:
        era, year = era_of(value)
        return f"{era_year_label(era, year)}{value.month}月"
    if "y" in codes:
        return f"{value.year}年{value.month}月"
    return f"{value.month}月"


def _text_of(value) -> str:
    return str(value).strip() if value is not None else ""


def grid_of(ws) -> Grid:
    """The cells of `ws` as read, with what was left out (hidden, struck) in `excluded`."""
    grid = Grid(title=ws.title)
    hidden_rows = {row for row, dimension in ws.row_dimensions.items() if dimension.hidden}
    hidden_columns = _hidden_columns(ws)
    # The cells openpyxl holds, without creating the empty ones a sheet's borders reach to.
    cells = ws._cells
    for key in sorted(cells):
        cell = cells[key]
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        position = (cell.row, cell.column)
        shown = str(value) if isinstance(value, CellRichText) else value
        if cell.row in hidden_rows or cell.column in hidden_columns:
            reason = HIDDEN_ROW if cell.row in hidden_rows else HIDDEN_COLUMN
            grid.excluded.append(CellUse(*position, _text_of(shown), reason=reason))
            continue
        if cell.font is not None and cell.font.strike:
            grid.excluded.append(CellUse(*position, _text_of(shown), reason=STRUCK))
            continue
        if isinstance(value, CellRichText):
            kept, struck = [], []
            for part in value:
                if isinstance(part, TextBlock) and part.font is not None and part.font.strike:
                    struck.append(part.text)
                else:
                    kept.append(part.text if isinstance(part, TextBlock) else str(part))
            struck_text = "".join(struck).strip()
            if struck_text:
                grid.excluded.append(CellUse(*position, struck_text, reason=STRUCK))
            value = "".join(kept)
            if not value.strip():
                continue
        elif isinstance(value, datetime.datetime | datetime.date):
            day = value.date() if isinstance(value, datetime.datetime) else value
            value = _month_text(day, cell.number_format) or value
        grid.values[position] = value
    return grid


def address(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"
