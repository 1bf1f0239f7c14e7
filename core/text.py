"""Normalising what people type: full-width digits, bullets, section lists."""

import re
import unicodedata

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# Markers people put in front of a bullet line, in Excel and in the browser alike.
BULLET_MARKERS = "・･●〇○◯•‧∙-‐－–—*＊"
# One or more markers: "・- text" is a bullet, and stripping twice gives what stripping once gave.
_BULLET_PREFIX = re.compile(rf"^[\s\u3000]*(?:[{re.escape(BULLET_MARKERS)}][\s\u3000]*)+")
_TILDES = str.maketrans({"~": "～", "〜": "～"})


def to_halfwidth_digits(text: str) -> str:
    """１２月 → 12月. Only the digits: full-width brackets and kana stay as typed."""
    return text.translate(_FULLWIDTH_DIGITS)


def unify_tildes(text: str) -> str:
    """80~50% and 80〜50% → 80～50%: the same phrase typed on different keyboards."""
    return text.translate(_TILDES)


def clean_line(text: str) -> str:
    return text.replace("\u3000", " ").strip()


def has_bullet_marker(line: str) -> bool:
    return bool(_BULLET_PREFIX.match(line))


def strip_bullet(line: str) -> str:
    return clean_line(_BULLET_PREFIX.sub("", line, count=1))


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
