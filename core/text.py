"""Normalising what people type: full-width digits, bullets, section lists."""

import re

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
