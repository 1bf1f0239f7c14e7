"""Normalising what people type: full-width digits, bullets, section lists."""

import re

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
