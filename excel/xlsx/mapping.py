"""Import: which column goes to which field — recognised, proposed, or chosen; never guessed.

A heading with the official wording (番号, 実施項目, どの水準まで …) is recognised. A heading in
other words is proposed only when the words clearly say the same (方策 → 方法, 担当課 → 共通/課名,
達成時期 → 期限); anything else (課題, 備考 …) is left unread. The user changes any of it in the
preview, or with `import_xlsx --map 'B=title,C=category'`. A heading over two rows (a group label
such as 「目標の達成に向けて」 above the official sub-labels) or split over merged cells is read as
one heading.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from openpyxl.utils import column_index_from_string, get_column_letter

from excel.xlsx.cells import (
    ACHIEVEMENT,
    BASELINE,
    CARRIERS,
    CATEGORY,
    DEADLINE,
    INDICATOR,
    METHOD,
    NUMBER,
    SHORT_LABELS,
    STATUS,
    TARGET,
    TITLE,
)
from excel.xlsx.sheet import normal_label

RECOGNISED, PROPOSED, CHOSEN = "recognised", "proposed", "chosen"
REMEMBERED = "remembered"
HOW_LABELS = {
    RECOGNISED: "見出しから",
    PROPOSED: "提案（確かめてください）",
    CHOSEN: "指定",
    REMEMBERED: "この部の前回の指定",
}
UNMAPPED_LABEL = "読み込まない"
# The fields a column can go to, in the order of the official sheet.
FIELD_KEYS = [
    NUMBER,
    TITLE,
    CATEGORY,
    ACHIEVEMENT,
    METHOD,
    DEADLINE,
    CARRIERS,
    INDICATOR,
    BASELINE,
    TARGET,
    STATUS,
]
FIELD_CHOICES = [("", UNMAPPED_LABEL), *((key, SHORT_LABELS[key]) for key in FIELD_KEYS)]

# Other words for the same heading, compared whole (without spaces, brackets' text aside).
_PROPOSALS = {
    METHOD: {"方策", "具体的な取組内容", "具体的な取組", "取組内容", "取組の内容", "実施方法"},
    CARRIERS: {"所管課", "担当課", "担当部署", "所管", "実施課", "担当課名", "所管課名"},
    TITLE: {"目標項目", "取組項目", "事業名", "項目名", "実施事項"},
    DEADLINE: {"達成時期", "実施時期", "時期", "完了時期", "期日", "スケジュール"},
    STATUS: {"評価", "達成度", "自己評価", "達成状況評価"},
    ACHIEVEMENT: {"目標水準", "到達目標", "成果目標", "達成目標", "目指す姿"},
    CATEGORY: {"計画等の分類", "分類", "根拠計画"},
}


def header_key(value) -> str | None:
    """Which column a header cell names, with or without its parenthesised second line."""
    normal = normal_label(value)
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


def heading_key(value) -> tuple[str, str]:
    """(field, how) for a heading: recognised, proposed when clearly the same, else ("", "")."""
    if key := header_key(value):
        return key, RECOGNISED
    main = normal_label(value).split("(", 1)[0]
    for key, words in _PROPOSALS.items():
        if main in words:
            return key, PROPOSED
    return "", ""


@dataclass
class ColumnHeading:
    """One column of the table: its heading as typed and the field it goes to ("": none)."""

    column: int
    heading: str
    key: str = ""
    how: str = ""
    note: str = ""

    @property
    def letter(self) -> str:
        return get_column_letter(self.column)

    @property
    def field_label(self) -> str:
        return SHORT_LABELS.get(self.key, UNMAPPED_LABEL)

    @property
    def how_label(self) -> str:
        return HOW_LABELS.get(self.how, "")


def _is_subheading(value) -> bool:
    normal = normal_label(value)
    return bool(heading_key(value)[0]) or bool(re.fullmatch(r"\(.*\)", normal))


def read_headings(grid, merges: dict, header_row: int) -> tuple[int, list[ColumnHeading]]:
    """The headings of the table whose (first) heading row is `header_row`.

    Returns (the last heading row, the headings). The row below is a second heading row when
    every cell in it is a heading or bracketed text; a cell covered by a merged heading cell
    (a group label over several columns, or a label merged down) reads the merged text.
    """

    def text_at(row: int, column: int) -> str:
        value = grid.values.get(merges.get((row, column), (row, column)))
        return " ".join(str(value).split()) if value is not None else ""

    upper = dict(grid.row_cells(header_row))
    lower_cells = [
        (column, value)
        for column, value in grid.row_cells(header_row + 1)
        if merges.get((header_row + 1, column), (header_row + 1, column))[0] == header_row + 1
    ]
    two_rows = bool(lower_cells) and all(_is_subheading(value) for _, value in lower_cells)
    columns = set(upper)
    if two_rows:
        columns |= {column for column, _ in lower_cells}
    headings = []
    for column in sorted(columns):
        top = text_at(header_row, column)
        bottom = text_at(header_row + 1, column) if two_rows else ""
        if bottom == top:
            bottom = ""
        if not (top or bottom):
            continue
        key, how = heading_key(bottom) if bottom else ("", "")
        if not key:
            key, how = heading_key(top)
        if not key and top and bottom:
            key, how = heading_key(top + bottom)
        heading = " / ".join(part for part in (top, bottom) if part)
        headings.append(ColumnHeading(column=column, heading=heading, key=key, how=how))
    _first_of_each(headings)
    return (header_row + 1 if two_rows else header_row), headings


def _first_of_each(headings: list[ColumnHeading]) -> None:
    """Two columns with the same field: the first keeps it, the other is left unread."""
    seen: dict[str, ColumnHeading] = {}
    for heading in headings:
        if not heading.key:
            continue
        if heading.key in seen:
            heading.note = f"{seen[heading.key].letter}列と同じ読み込み先のため読み込みません"
            heading.key, heading.how = "", ""
        else:
            seen[heading.key] = heading


def remembered_apply(headings: list[ColumnHeading], remembered: dict[str, str]) -> None:
    """A department's earlier choices, by heading text: 課題 → 指標 last time, again now."""
    for heading in headings:
        key = remembered.get(normal_label(heading.heading))
        if key is not None and key in {"", *FIELD_KEYS} and key != heading.key:
            heading.key, heading.how, heading.note = key, REMEMBERED, ""
    _first_of_each(headings)


def chosen_headings(headings: list[ColumnHeading]) -> dict[str, str]:
    """The choices to remember: heading text (as compared) → field, for headings chosen by
    the user (or remembered from before) rather than read from the heading."""
    return {
        normal_label(heading.heading): heading.key
        for heading in headings
        if heading.heading and heading.how in {CHOSEN, REMEMBERED}
    }


def mapping_apply(headings: list[ColumnHeading], mapping: dict[str, str]) -> list[str]:
    """Apply a chosen mapping (column letter → field, "" for none); returns the problems."""
    by_letter = {heading.letter: heading for heading in headings}
    for letter, key in mapping.items():
        heading = by_letter.get(letter)
        if heading is None:
            heading = ColumnHeading(column=column_index_from_string(letter), heading="")
            headings.append(heading)
            by_letter[letter] = heading
        if heading.key != key:
            heading.key, heading.how = key, CHOSEN
        heading.note = ""
    headings.sort(key=lambda heading: heading.column)
    problems = []
    chosen: dict[str, list[str]] = {}
    for heading in headings:
        if heading.key:
            chosen.setdefault(heading.key, []).append(heading.letter)
    for key, letters in chosen.items():
        if len(letters) > 1:
            problems.append(
                f"「{SHORT_LABELS[key]}」が複数の列（{'、'.join(f'{x}列' for x in letters)}）に"
                "選ばれています。1つの列だけにしてください。"
            )
    if TITLE not in chosen:
        problems.append("「実施項目」を読み込む列を選んでください。")
    return problems


_KEYS_BY_NAME = {key: key for key in FIELD_KEYS} | {
    normal_label(label): key for key, label in SHORT_LABELS.items()
}
_KEYS_BY_NAME |= {"分類": CATEGORY, "課名": CARRIERS, "水準": ACHIEVEMENT}
_NONE_NAMES = {"", "-", "none", "skip", normal_label(UNMAPPED_LABEL)}


def mapping_parse(typed: str) -> dict[str, str]:
    """`B=title,C=category` (or 実施項目, 分類 …; `D=-` or `D=読み込まない` for none), or the
    same as JSON ({"B": "title"}) or one `B=title` per line. Raises ValueError in Japanese."""
    typed = (typed or "").strip()
    if typed.startswith("{"):
        try:
            pairs = list(json.loads(typed).items())
        except (ValueError, AttributeError) as error:
            raise ValueError("列の対応（JSON）を読めません。") from error
    else:
        pairs = []
        for part in re.split(r"[,\n、]+", typed):
            if not part.strip():
                continue
            letter, sep, name = part.partition("=")
            if not sep:
                raise ValueError(f"列の対応「{part.strip()}」は「B=title」の形で書いてください。")
            pairs.append((letter, name))
    mapping = {}
    for letter, name in pairs:
        letter = str(letter).strip().upper()
        if not re.fullmatch(r"[A-Z]{1,3}", letter):
            raise ValueError(f"「{letter}」は列の名前（A、B、…）ではありません。")
        normal = normal_label(str(name)).lower() if name is not None else ""
        if normal in _NONE_NAMES:
            mapping[letter] = ""
        elif normal in _KEYS_BY_NAME or str(name).strip() in _KEYS_BY_NAME:
            mapping[letter] = _KEYS_BY_NAME.get(normal) or _KEYS_BY_NAME[str(name).strip()]
        else:
            choices = "、".join(f"{key}（{SHORT_LABELS[key]}）" for key in FIELD_KEYS)
            raise ValueError(f"読み込み先「{name}」はありません。使えるのは {choices}、- です。")
    return mapping
