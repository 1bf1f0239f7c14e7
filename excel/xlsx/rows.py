"""Import: rows under the heading that are not items.

A typed page number (`- 2 -`, `2/5`, `P.3`), a note (`※ …`) and the title block repeated on a
later page are recognised by the shape of the whole row, never by one word inside it: a row is
a title row only when every cell in it is the title, a 作成日 / 職名 / 氏名 label or one of the
values already read above the table. Such rows are listed as not read, never made items.
"""

from __future__ import annotations

import re
import unicodedata

from core import text

_PAGE_NUMBER = re.compile(
    r"^(?:[-‐－―ー—–]\s*\d{1,4}\s*[-‐－―ー—–]"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|(?:P|p|ページ|頁)\s*[.．]?\s*\d{1,4}(?:\s*[/／]\s*\d{1,4})?"
    r"|第?\s*\d{1,4}\s*(?:ページ|頁)(?:\s*[/／]\s*\d{1,4})?)$"
)
_NOTE = re.compile(r"^[\s\u3000]*(?:※|＊|\*|\(注\)|（注）|注[:：)）\d１-９])")
_TITLE_WORDS = ("組織目標展開整理表",)


def _normal(value) -> str:
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def is_page_number(value) -> bool:
    if not isinstance(value, str):
        return False
    return bool(_PAGE_NUMBER.match(text.to_halfwidth_digits(value).strip()))


def is_note(value) -> bool:
    return isinstance(value, str) and bool(_NOTE.match(value))


def row_kind(values: list, *, title: str, block_texts: set[str]) -> str:
    """ "page", "note", "title" or "" (a row that may be an item) for a row's non-empty values.

    `block_texts`: the normalised texts read above the table (labels, date, signers).
    """
    if not values:
        return ""
    if len(values) == 1 and is_page_number(values[0]):
        return "page"
    if len(values) == 1 and is_note(values[0]):
        return "note"
    normal_title = _normal(title)
    has_title = False
    for value in values:
        normal = _normal(value)
        if normal and (
            normal == normal_title
            or (any(word in normal for word in _TITLE_WORDS) and "年度" in normal)
        ):
            has_title = True
        elif normal not in block_texts:
            return ""
    if has_title or any(_normal(value) in {"作成日", "作成年月日"} for value in values):
        return "title"
    return ""
