"""The prints use the bundled fonts only: the same bytes on every machine, and a character those
fonts cannot draw printed as 〓."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from printing import pdf
from printing.glyphs import REPLACEMENT, missing_characters
from tests.printing.pdf.pdfcheck import fonts, text

ROOT = Path(__file__).resolve().parents[3]

# Text asking for fonts a server may have (IPA, Noto, DejaVu) and characters BIZ UD lacks.
MACHINE_FONTS = (
    "<p style=\"font-family: IPAGothic, 'Noto Sans CJK JP', serif\">明朝体でなくても同じ</p>"
    '<p style="font-family: monospace">ABC 123</p><p>簡体字の环、絵文字😀、𠮷野家</p>'
)


@pytest.fixture
def shimin_html(demo):
    return pdf.sheet_html(demo[(2026, "市民部")])


def _render_elsewhere(html: str, environment: dict[str, str]) -> bytes:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FONTCONFIG")}
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-m", "tests.printing.pdf.render_stdin"],
        input=html.encode("utf-8"),
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    return result.stdout


def test_printing_with_no_system_fonts_gives_the_same_bytes(shimin_html, tmp_path):
    html = shimin_html.replace("</body>", f"{MACHINE_FONTS}</body>")
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{empty}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )

    with_machine_fonts = _render_elsewhere(html, {})
    without_any = _render_elsewhere(html, {"FONTCONFIG_FILE": str(conf)})

    assert with_machine_fonts == without_any
    assert with_machine_fonts == pdf.render_pdf(html)  # and the same as in this process
    for name in fonts(with_machine_fonts):
        assert "BIZ-UD" in name, name


def test_characters_the_fonts_lack_print_as_geta(org):
    item = org.item_a
    item.title = "簡体字の环と絵文字😀と𠮷"
    item.save()

    _, _, data = pdf.sheet_pdf(org.sheet_a)

    printed = text(data)
    assert "环" not in printed and "😀" not in printed and "𠮷" not in printed
    assert f"簡体字の{REPLACEMENT}と絵文字{REPLACEMENT}と{REPLACEMENT}" in printed.replace("\n", "")


def test_the_bundled_fonts_draw_what_cities_write():
    paths = pdf.renderer.font_paths()
    assert missing_characters("①⑳㉑㊿㈱髙﨑〓～－Ⅰⅱ№℡", paths) == []
    assert missing_characters("环😀𠮷\n\t", paths) == ["环", "😀", "𠮷"]
