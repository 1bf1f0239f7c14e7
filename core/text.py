"""Normalising what people type: full-width digits, bullets, section lists."""

import re
import unicodedata

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# Markers people put in front of a bullet line, in Excel and in the browser alike.
BULLET_MARKERS = "・･●〇○◯•‧∙-‐－–—*＊"
_ALWAYS_MARKERS = "・･●•‧∙*＊"
# 〇 is also a zero or a placeholder (〇歳児, 〇〇地区); a dash is also a minus sign (-10%).
_CIRCLES = "〇○◯"
_DASHES = "-‐－–—"
_ZERO_COUNTERS = "歳人件年月日回名校割％%箇か個台点倍時分"
_TILDES = str.maketrans({"~": "～", "〜": "～"})


def _marker_end(line: str) -> int:
    """Where the text after a line's bullet marker(s) starts (0 when it has none).

    A marker counts only when it is one followed by text: `・` and `●` always, `〇` unless it
    begins a word (`〇〇地区`, `〇歳児`), a dash unless it is a minus sign (`－５％`, `-10%`).
    One or more markers: "・- text" is a bullet, and stripping twice gives what stripping once
    gave.
    """
    index, length, found = 0, len(line), False
    while index < length and line[index].isspace():
        index += 1
    while index < length:
        char = line[index]
        after = line[index + 1] if index + 1 < length else ""
        if char in _ALWAYS_MARKERS:
            marker = True
        elif char in _CIRCLES:
            marker = (
                not after
                or after.isspace()
                or not (after in _CIRCLES or after in _ZERO_COUNTERS or after.isdigit())
            )
        elif char in _DASHES:
            marker = not after or after.isspace() or not after.isdigit()
        else:
            break
        if not marker:
            break
        found = True
        index += 1
        while index < length and line[index].isspace():
            index += 1
    return index if found else 0


def to_halfwidth_digits(text: str) -> str:
    """１２月 → 12月. Only the digits: full-width brackets and kana stay as typed."""
    return text.translate(_FULLWIDTH_DIGITS)


def unify_tildes(text: str) -> str:
    """80~50% and 80〜50% → 80～50%: the same phrase typed on different keyboards."""
    return text.translate(_TILDES)


def clean_line(text: str) -> str:
    return text.replace("\u3000", " ").strip()


def has_bullet_marker(line: str) -> bool:
    return _marker_end(line) > 0


def strip_bullet(line: str) -> str:
    return clean_line(line[_marker_end(line) :])


def split_bullets(text: str) -> list[str]:
    """One bullet per non-empty line, markers (・, -, ● …) stripped."""
    lines = (strip_bullet(line) for line in (text or "").replace("\r\n", "\n").split("\n"))
    return [line for line in lines if line]


def join_bullets(bullets: list[str]) -> str:
    return "\n".join(bullets)


def normalize_multiline(text: str) -> str:
    """Line endings unified, trailing spaces and blank edges removed; inner text as typed."""
    lines = [
        line.rstrip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    return "\n".join(lines).strip("\n")


_SECTION_SEPARATORS = re.compile(r"[\n、,，/／]+")


def split_names(text: str) -> list[str]:
    """Section names typed in one cell: one per line or separated by 、 (also , and /)."""
    return [clean_line(part) for part in _SECTION_SEPARATORS.split(text or "") if clean_line(part)]


# Width variants (search) -------------------------------------------------------------------------

_ASCII_TO_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def _halfwidth_kana_table() -> dict[str, str]:
    """Full-width katakana (with voiced marks composed) → the half-width spelling."""
    table: dict[str, str] = {}
    for code in range(0xFF66, 0xFF9E):  # ｦ … ﾝ
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
        for mark in ("\uff9e", "\uff9f"):  # ﾞ ﾟ
            composed = unicodedata.normalize("NFKC", half + mark)
            if len(composed) == 1:
                table.setdefault(composed, half + mark)
    table["ー"] = "\uff70"  # ｰ
    return table


_HALFWIDTH_KANA = _halfwidth_kana_table()


def width_variants(term: str) -> set[str]:
    """The spellings a Japanese text may use for the same word: ＬＩＮＥ and LINE and line,
    ﾏｲﾅﾝﾊﾞｰ and マイナンバー, １２月 and 12月. NFKC gives the one canonical form; the others are
    spelled out because the database compares characters as they are stored."""
    canonical = unicodedata.normalize("NFKC", term)
    full_ascii = canonical.translate(_ASCII_TO_FULLWIDTH)
    half_kana = "".join(_HALFWIDTH_KANA.get(char, char) for char in canonical)
    variants = {term, canonical, full_ascii, half_kana}
    # SQLite's LIKE folds the case of ASCII letters only: the full-width ones in both cases.
    variants |= {full_ascii.lower(), full_ascii.upper()}
    return {variant for variant in variants if variant}
