"""Reading a PDF back in tests: its text (poppler's pdftotext, in drawing order), fonts, outline."""

import io
import os
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader


def _pdftotext() -> str:
    found = shutil.which("pdftotext")
    if not found:
        message = "pdftotext が見つかりません。apt-get install poppler-utils で入ります。"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def pages_text(data: bytes) -> list[str]:
    """Each page's text in the order it is drawn (cell by cell, row by row)."""
    result = subprocess.run(  # noqa: S603 - our own bytes into poppler's pdftotext
        [_pdftotext(), "-raw", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def text(data: bytes) -> str:
    return "\n".join(pages_text(data))


def squeeze(value: str) -> str:
    """Without white space: text wrapped over several lines reads as typed."""
    return re.sub(r"\s+", "", value)


def count_token(value: str, token: str) -> int:
    """How often `token` stands alone (between white space): a word broken over two lines
    does not count."""
    return len(re.findall(rf"(?<!\S){re.escape(token)}(?!\S)", value))


def in_order(haystack: str, needles: list[str]) -> bool:
    position = 0
    for needle in needles:
        found = haystack.find(needle, position)
        if found < 0:
            return False
        position = found + len(needle)
    return True


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def fonts(data: bytes) -> dict[str, bool]:
    """Every font used, by name, and whether its glyphs are embedded in the file."""
    found = {}
    for page in reader(data).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return found


def outline_titles(data: bytes) -> list[str]:
    return [item.title for item in reader(data).outline if not isinstance(item, list)]


def page_sizes_mm(data: bytes) -> set[tuple[int, int]]:
    def mm(points) -> int:
        return round(float(points) * 25.4 / 72)

    return {(mm(page.mediabox.width), mm(page.mediabox.height)) for page in reader(data).pages}
