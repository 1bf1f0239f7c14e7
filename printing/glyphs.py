"""Which characters the prints can draw, without loading WeasyPrint (the sheet page asks).

The bundled fonts' cmap tables (fontTools) say which characters they draw. A character none of
them can draw is printed as 〓 (`replace_missing`, applied by the renderer to every document),
never as an empty box, and is reported before printing (`printing.coverage`). No model is
imported here: the renderer and its worker processes use it."""

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from fontTools.ttLib import TTFont

# Printed in place of a character the bundled fonts cannot draw (GETA MARK, in BIZ UD).
REPLACEMENT = "〓"
# The fonts the prints use (static/fonts, OFL), regular and bold.
FONTS = ("fonts/BIZUDPGothic-Regular.ttf", "fonts/BIZUDPGothic-Bold.ttf")


@cache
def font_paths() -> tuple[Path, ...]:
    paths = []
    for name in FONTS:
        found = finders.find(name)
        if not found:
            raise ImproperlyConfigured(f"PDF に必要な静的ファイル {name} が見つかりません。")
        paths.append(Path(found).resolve())
    return tuple(paths)


# Coverage ----------------------------------------------------------------------------------


@cache
def _covered(paths: tuple[Path, ...]) -> frozenset[int]:
    """The code points every one of the fonts can draw (regular and bold alike)."""
    covered: frozenset[int] | None = None
    for path in paths:
        cmap = frozenset(TTFont(path, lazy=True, fontNumber=0).getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return covered or frozenset()


def _ignorable(char: str) -> bool:
    """Line breaks, tabs and the invisible format characters are not drawn."""
    return char in "\n\r\t" or unicodedata.category(char) in ("Cc", "Cf")


def missing_characters(text: str, paths: tuple[Path, ...]) -> list[str]:
    """The characters of `text` that the fonts cannot draw, each once, in order."""
    covered = _covered(paths)
    return [
        char
        for char in dict.fromkeys(text or "")
        if ord(char) not in covered and not _ignorable(char)
    ]


def replace_missing(text: str, paths: tuple[Path, ...]) -> str:
    """`text` with each character the fonts cannot draw printed as 〓."""
    missing = missing_characters(text, paths)
    for char in missing:
        text = text.replace(char, REPLACEMENT)
    return text


@dataclass(frozen=True)
class MissingGlyph:
    """A text of the sheet with characters the bundled fonts cannot draw."""

    where: str  # 番号3「実施項目」, 作成者, …
    characters: tuple[str, ...]

    @property
    def message(self) -> str:
        shown = "、".join(f"「{char}」(U+{ord(char):04X})" for char in self.characters)
        return f"{self.where}: {shown} は PDF の字体にないため「{REPLACEMENT}」と印刷されます。"


def unprintable(text: str) -> list[str]:
    """The characters of `text` that the bundled fonts cannot draw."""
    return missing_characters(text, font_paths())
