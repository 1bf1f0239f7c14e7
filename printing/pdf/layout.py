"""Layout helpers shared by the prints: text widths, column shares, merged-cell spans."""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from departments.models import Section
from goals.models import GoalSheet, SheetStatus
from goals.selectors import (
    sheet_with_content,
)
from reviews.models import ReviewStatus

# Layout helpers ----------------------------------------------------------------------------

PT_TO_MM = 25.4 / 72
BODY_PT = 8.5
A4_LANDSCAPE_WIDTH_MM = 297 - 2 * 9
A3_LANDSCAPE_WIDTH_MM = 420 - 2 * 9
CELL_PADDING_MM = 2.4 + 0.6


def text_em(text: str) -> float:
    """A line's width in em: wide (Japanese) characters 1, the others about half."""
    return sum(1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.55 for char in text)


def width_for(texts: Iterable[str], *, low: float, high: float, pt: float = BODY_PT) -> float:
    """A column width in mm wide enough for the longest of `texts` on one line, within bounds."""
    widest = max((text_em(text) for text in texts), default=0.0)
    return round(min(high, max(low, widest * pt * PT_TO_MM + CELL_PADDING_MM)), 1)


# BIZ UDPGothic's digits are wider than the average half-width character.
_DIGIT_EM = 0.76


def number_width(numbers: Iterable[int], *, low: float = 9, pt: float = BODY_PT) -> float:
    """The 番号 column: wide enough for the longest number on one line (100–200 items too)."""
    digits = max((len(str(number)) for number in numbers), default=1)
    return round(max(low, digits * _DIGIT_EM * pt * PT_TO_MM + CELL_PADDING_MM + 0.6), 1)


def fits(chunks: Iterable[str], width_mm: float, *, pt: float = BODY_PT) -> bool:
    """Whether each chunk fits on one line of a column `width_mm` wide (else it must wrap)."""
    room = width_mm - CELL_PADDING_MM
    return all(text_em(chunk) * pt * PT_TO_MM <= room for chunk in chunks)


# Where a section's name may break: after the name of a unit inside it (…部, …課, …室).
_NAME_BREAKS = re.compile(r"(?<=[部局課室係])(?=.)")


def name_chunks(name: str) -> list[str]:
    """`市民生活部地域共生推進課` → 市民生活部 / 地域共生推進課: pieces kept on one line when
    they fit, so that a long section name breaks between its words."""
    return [chunk for chunk in _NAME_BREAKS.split(name or "") if chunk]


@dataclass
class Line:
    """A printed line in pieces: `(text, kept)`, a piece kept whole when it fits the column,
    else wrapping like any text, inside its cell."""

    pieces: list[tuple[str, bool]]

    @property
    def chunks(self) -> list[str]:
        return [text for text, _ in self.pieces]


def lines_in(texts: Iterable[list[str]], width_mm: float, *, pt: float = BODY_PT) -> list[Line]:
    return [Line([(chunk, fits([chunk], width_mm, pt=pt)) for chunk in chunks]) for chunks in texts]


def name_lines(names: Iterable[str], width_mm: float, *, pt: float = BODY_PT) -> list[Line]:
    """Section names one per line; a name too long for the column goes on several lines,
    breaking after its units (市民生活部 / 地域共生推進課), a piece still too long wrapping."""
    lines = []
    for name in names:
        if fits([name], width_mm, pt=pt):
            lines += lines_in([[name]], width_mm, pt=pt)
        else:
            lines += lines_in(([chunk] for chunk in name_chunks(name)), width_mm, pt=pt)
    return lines


# Where a long value may break: after the year of a date, before a parenthesis.
_BREAK_POINTS = re.compile(r"(?<=年)(?=[0-9０-９])|(?<=\S)(?=[（(])")


def unbreakable_chunks(text: str) -> list[str]:
    """Pieces printed without a line break inside: `令和8年12月25日` → 令和8年 / 12月25日,
    `ほとんど未達成だった(達成率80～50%)` → ほとんど未達成だった / (達成率80～50%);
    `年度末` and `12月` stay whole."""
    return [chunk for chunk in _BREAK_POINTS.split(text or "") if chunk]


_HANGING_MARK = re.compile(r"^[・･●○◯■□◆◇▪※\-‐－*＊①-⑳㉑-㉟]|^[(（][0-9０-９一-十]+[)）]")


@dataclass
class Paragraph:
    text: str
    hanging: bool


def paragraphs(text: str) -> list[Paragraph]:
    """Free text as typed (a review, an indicator): one paragraph per line; a line that starts
    with a marker (・, ①, (1) …) hangs like a bullet."""
    lines = (line.strip() for line in (text or "").replace("\r\n", "\n").split("\n"))
    return [Paragraph(line, bool(_HANGING_MARK.match(line))) for line in lines if line]


@dataclass
class Column:
    label: str
    width: float  # mm; the last flexible columns share what is left

    @property
    def style(self) -> str:
        return f"width: {self.width:.1f}mm"


def _share(total: float, fixed: list[Column], flexible: list[tuple[str, float]]) -> list[Column]:
    rest = total - sum(column.width for column in fixed)
    weights = sum(weight for _, weight in flexible)
    return [Column(label, round(rest * weight / weights, 1)) for label, weight in flexible]


def _with_content(sheet: GoalSheet) -> GoalSheet:
    """The sheet with its header and items prefetched (`sheet_with_content`), once."""
    prefetched = getattr(sheet, "_prefetched_objects_cache", {})
    if {"items", "signers", "revisions"} <= prefetched.keys():
        return sheet
    return sheet_with_content(pk=sheet.pk)


def _department_sections(sheet: GoalSheet) -> dict[int, Section]:
    sections = Section.objects.filter(department=sheet.department_id)
    return {section.pk: section for section in sections}


def _spans(rows: list, key: Callable, span_attr: str) -> None:
    """Merge consecutive rows with the same key: the first gets the row count, the others 0."""
    anchor = None
    anchor_key = object()
    for row in rows:
        row_key = key(row)
        if anchor is not None and row_key == anchor_key:
            setattr(anchor, span_attr, getattr(anchor, span_attr) + 1)
            setattr(row, span_attr, 0)
        else:
            anchor, anchor_key = row, row_key
            setattr(row, span_attr, 1)


def _blocks(rows: list, span_attrs: tuple[str, ...]) -> list[list]:
    """Rows tied together by a merged cell, kept on one page (unless taller than a page)."""
    blocks: list[list] = []
    for row in rows:
        if blocks and any(getattr(row, attr) == 0 for attr in span_attrs):
            blocks[-1].append(row)
        else:
            blocks.append([row])
    return blocks


PENDING_LABELS = {
    ReviewStatus.DRAFT: "（作成中）",
    ReviewStatus.SUBMITTED: "（提出済み・部長の確認前）",
    ReviewStatus.RETURNED: "（差し戻し中）",
}


def _pending(review) -> str:
    """A review printed before its confirmation says so."""
    if review is None or review.status == ReviewStatus.CONFIRMED:
        return ""
    return PENDING_LABELS.get(review.status, "")


# Printed on every page of a sheet that is not accepted: it is not the department's goal yet.
DRAFT_MARKS = {
    SheetStatus.DRAFT: "案（作成中）",
    SheetStatus.SUBMITTED: "案（提出済み）",
    SheetStatus.RETURNED: "案（差し戻し中）",
}


def draft_mark(sheet: GoalSheet) -> str:
    return DRAFT_MARKS.get(sheet.status, "")
