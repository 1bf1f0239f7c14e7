"""The prints' fonts: only the bundled ones (static/fonts), whatever the machine has installed.

WeasyPrint finds fonts through fontconfig. Its `FontConfiguration` loads fontconfig's
configuration, which by default lists every font of the machine: a character the bundled fonts
lack would then be drawn with whatever font the server happens to have (IPA, Noto CJK …), and
the same sheet would print differently on each server. `IsolatedFontConfiguration` makes
fontconfig read a configuration of ours instead (`FONTCONFIG_FILE`, read when a configuration is
loaded), which lists only `static/fonts`; the stylesheet's `@font-face` rules add the same files.

What the bundled fonts cannot draw is `printing.glyphs`' business (printed as 〓)."""

import os
import tempfile
import threading
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from weasyprint.text.fonts import FontConfiguration

from printing.glyphs import REPLACEMENT, MissingGlyph, missing_characters, replace_missing

__all__ = [
    "REPLACEMENT",
    "IsolatedFontConfiguration",
    "MissingGlyph",
    "fonts_conf_path",
    "missing_characters",
    "replace_missing",
]

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
