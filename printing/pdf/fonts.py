"""The prints' fonts: only the bundled ones (static/fonts), whatever the machine has installed.

WeasyPrint finds fonts through fontconfig. Its `FontConfiguration` loads fontconfig's
configuration, which by default lists every font of the machine: a character the bundled fonts
lack would then be drawn with whatever font the server happens to have (IPA, Noto CJK …), and
the same sheet would print differently on each server. `IsolatedFontConfiguration` makes
fontconfig read a configuration of ours instead (`FONTCONFIG_FILE`, read when a configuration is
loaded), which lists only `static/fonts`; the stylesheet's `@font-face` rules add the same files.

A character none of the bundled fonts can draw is found before printing (`missing_characters`,
from the fonts' cmap tables) and printed as 〓 (`replace_missing`), never as an empty box."""

import os
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from fontTools.ttLib import TTFont
from weasyprint.text.fonts import FontConfiguration

# Printed in place of a character the bundled fonts cannot draw (GETA MARK, in BIZ UD).
REPLACEMENT = "〓"

_environment_lock = threading.Lock()


def _fonts_conf(font_dir: Path, cache_dir: Path) -> str:
    return (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        f"  <dir>{escape(str(font_dir))}</dir>\n"
        f"  <cachedir>{escape(str(cache_dir))}</cachedir>\n"
        "</fontconfig>\n"
    )


@cache
def fonts_conf_path(font_dir: Path) -> Path:
    """A fontconfig configuration listing only `font_dir`, written once per process (its
    font cache is shared by the processes of the machine's user, so fonts are scanned once)."""
    folder = Path(tempfile.mkdtemp(prefix="soshiki-fontconfig-"))
    path = folder / "fonts.conf"
    cache_dir = Path(tempfile.gettempdir()) / f"soshiki-fontconfig-cache-{os.getuid()}"
    path.write_text(_fonts_conf(font_dir, cache_dir), encoding="utf-8")
    return path


class IsolatedFontConfiguration(FontConfiguration):
    """WeasyPrint's font configuration, seeing only the fonts in `font_dir`."""

    def __init__(self, font_dir: Path):
        conf = str(fonts_conf_path(font_dir.resolve()))
        # fontconfig reads FONTCONFIG_FILE when WeasyPrint loads the configuration, here; the
        # process's environment is restored at once (other libraries keep the machine's fonts).
        with _environment_lock:
            saved = {name: os.environ.get(name) for name in ("FONTCONFIG_FILE", "FONTCONFIG_PATH")}
            os.environ["FONTCONFIG_FILE"] = conf
            os.environ.pop("FONTCONFIG_PATH", None)
            try:
                super().__init__()
            finally:
                for name, value in saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value


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
