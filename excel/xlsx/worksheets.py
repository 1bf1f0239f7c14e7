"""Import: which worksheet of a workbook is the sheet to read.

A workbook may hold several worksheets that look like sheets (記入要領, 記入例, last year's copy,
one per department). Each is described — its title, whether it names the target department and
year — and the default is the one that names them, never an example; the preview lists them
all so that the user can choose another.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core import text
from core.wareki import fiscal_year_label

_EXAMPLE_WORDS = ("記入例", "記入要領", "見本", "サンプル", "例示", "作成例", "記載例")


def _normal(value) -> str:
    value = "" if value is None else str(value)
    return re.sub(r"\s+", "", text.to_halfwidth_digits(unicodedata.normalize("NFKC", value)))


@dataclass
class WorksheetChoice:
    name: str
    title: str = ""
    names_department: bool = False
    names_year: bool = False
    example: bool = False

    @property
    def score(self) -> int:
        return 2 * self.names_department + self.names_year - 4 * self.example

    @property
    def notes(self) -> str:
        notes = []
        if self.names_department:
            notes.append("部名あり")
        if self.names_year:
            notes.append("年度あり")
        if self.example:
            notes.append("記入例・要領")
        return "・".join(notes)


def worksheet_describe(
    name: str, grid, heading_row: int, *, department: str, year
) -> WorksheetChoice:
    above = [value for (row, _), value in sorted(grid.values.items()) if row < heading_row]
    texts = [_normal(name), *(_normal(value) for value in above)]
    title = next((str(v) for v in above if isinstance(v, str) and "組織目標" in v), "")
    joined = "".join(texts)
    wanted_department = _normal(department)
    wanted_year = _normal(fiscal_year_label(year)) if year else ""
    return WorksheetChoice(
        name=name,
        title=" ".join(title.split()),
        names_department=bool(wanted_department) and wanted_department in joined,
        names_year=bool(wanted_year) and wanted_year in joined,
        example=any(word in joined for word in _EXAMPLE_WORDS),
    )


def worksheet_default(choices: list[WorksheetChoice]) -> WorksheetChoice:
    """The best-scoring worksheet; the first of equals (so the leftmost by default)."""
    return max(choices, key=lambda choice: choice.score)
