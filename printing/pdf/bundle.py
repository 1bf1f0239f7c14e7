"""The whole city: every department's sheet with cover, contents, bookmarks and page numbers."""

import datetime
import io
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from core.wareki import wareki_date
from goals.models import FiscalYear, GoalSheet, PrintKind, SheetStatus
from goals.selectors import (
    sheets_with_content,
)
from printing import worker as pdf_worker
from printing.pdf import renderer
from printing.pdf.fontmerge import share_fonts
from printing.pdf.renderer import (
    PDF_CONTENT_TYPE,
    PdfRenderError,
    _write_atomically,
    cache_dir,
    cache_path,
    font_paths,
)
from printing.pdf.sheets import sheet_html

# The whole city ----------------------------------------------------------------------------

# Bump when the assembly changes (what is put around the parts), so that cached bundles go.
BUNDLE_VERSION = "bundle-2"

CITY_KIND_TITLES = {
    PrintKind.PLAN: "組織目標展開整理表",
    PrintKind.YEAR_END: "組織目標展開整理表（達成状況）",
    PrintKind.MID_YEAR: "組織目標展開整理表 中間確認",
}

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class BundlePart:
    sheet: GoalSheet
    html: str
    path: Path
    pages: int = 0
    start_page: int = 0  # printed page number of its first page


def render_processes() -> int:
    configured = getattr(settings, "PDF_RENDER_PROCESSES", 0)
    return configured if configured > 0 else os.cpu_count() or 1


def _render_missing(parts: list[BundlePart], progress: Progress) -> None:
    """Render the parts not in the cache: here, and side by side in worker processes when
    there is more than one core and enough to do."""
    total = len(parts)
    missing = [part for part in parts if not part.path.exists()]
    done = total - len(missing)
    stage = "部ごとに描画しています"
    progress(stage, done, total)
    workers = min(render_processes() - 1, len(missing) - 1)  # this process renders too
    if workers < 1:
        for part in missing:
            renderer.render_to_cache(part.html, str(part.path))
            done += 1
            progress(stage, done, total)
        return
    # Spawned workers share nothing with this process: no database connection, no threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=pdf_worker.setup) as pool:
        queued = [
            (part, pool.submit(renderer.render_to_cache, part.html, str(part.path)))
            for part in missing
        ]
        # While the workers start and take parts from the front, this process takes them from
        # the back, as long as no worker has picked them up.
        for part, future in reversed(queued):
            if not future.cancel():
                break
            renderer.render_to_cache(part.html, str(part.path))
            done += 1
            progress(stage, done, total)
        for future in as_completed(f for _, f in queued if not f.cancelled()):
            future.result()
            done += 1
            progress(stage, done, total)


def city_filename(fiscal_year: FiscalYear, kind: str) -> str:
    parts = [fiscal_year.label, "組織目標展開整理表"]
    parts += {PrintKind.YEAR_END: ["達成状況"], PrintKind.MID_YEAR: ["中間確認"]}.get(kind, [])
    return "_".join([*parts, "全庁"]) + ".pdf"


def _front_matter_html(fiscal_year, kind, parts: list[BundlePart], today: datetime.date) -> str:
    return render_to_string(
        "pdf/front_matter.html",
        {
            "document_title": f"{fiscal_year.label} {CITY_KIND_TITLES[kind]}（全庁）",
            "year_label": fiscal_year.label,
            "kind_title": CITY_KIND_TITLES[kind],
            "city_name": settings.CITY_NAME,
            "issued": wareki_date(today),
            "parts": parts,
        },
    )


def _page_stamps_html(count: int) -> str:
    return render_to_string(
        "pdf/page_stamps.html", {"document_title": "ページ番号", "pages": range(count)}
    )


def city_pdf(
    fiscal_year: FiscalYear,
    kind: str = PrintKind.PLAN,
    *,
    progress: Progress | None = None,
    include_unaccepted: bool = False,
) -> tuple[str, str, bytes]:
    """Every department's accepted sheet of a year in one PDF (with `include_unaccepted`, the
    others too, each page marked 案): cover, table of contents with page numbers, the
    departments with page numbers running through, and a bookmark per department."""
    progress = progress or _no_progress
    sheets = sheets_with_content(fiscal_year=fiscal_year)
    if not sheets:
        raise PdfRenderError(f"{fiscal_year.label}の整理表はまだありません。")
    if not include_unaccepted:
        sheets = [sheet for sheet in sheets if sheet.status == SheetStatus.ACCEPTED]
        if not sheets:
            raise PdfRenderError(f"{fiscal_year.label}の承認済みの整理表はまだありません。")
    progress("部ごとの内容を準備しています", 0, len(sheets))
    parts = []
    for sheet in sheets:
        html = sheet_html(sheet, kind, bundled=True)
        parts.append(BundlePart(sheet=sheet, html=html, path=cache_path(html)))
    _render_missing(parts, progress)

    progress("表紙・目次を付けてまとめています", len(parts), len(parts))
    number = 1
    for part in parts:
        os.utime(part.path)  # recently used: kept when old renderings are cleared
        part.pages = _page_count(part.path)
        part.start_page, number = number, number + part.pages
    front_html = _front_matter_html(fiscal_year, kind, parts, timezone.localdate())
    # The assembled bundle is cached too, by its cover and contents and its parts' keys:
    # nothing changed, nothing is put together again.
    key = "|".join([BUNDLE_VERSION, front_html, *(part.path.name for part in parts)])
    bundle_path = cache_path(key)
    try:
        data = bundle_path.read_bytes()
    except FileNotFoundError:
        data = _assemble(fiscal_year, kind, parts, front_html, number - 1)
        _write_atomically(bundle_path, data)
    else:
        os.utime(bundle_path)
    return city_filename(fiscal_year, kind), PDF_CONTENT_TYPE, data


def _page_count(path: Path) -> int:
    """A cached part's page count, kept beside it (reading the PDF back costs more)."""
    counted = path.with_suffix(".pages")
    try:
        return int(counted.read_text())
    except (FileNotFoundError, ValueError):
        pages = len(PdfReader(path).pages)
        _write_atomically(counted, str(pages).encode())
        return pages


def _assemble(fiscal_year, kind, parts, front_html: str, body_pages: int) -> bytes:
    """Cover and contents, the parts with the bundle's page numbers stamped, bookmarks."""
    readers = [PdfReader(part.path) for part in parts]
    front = renderer.render_pdf(front_html, tagged=False)
    stamps_html = _page_stamps_html(body_pages)
    stamps_path = cache_path(stamps_html)  # the same for every bundle of that length
    if not stamps_path.exists():
        renderer.render_to_cache(stamps_html, str(stamps_path))
    stamps = PdfReader(stamps_path).pages

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
    front_pages = len(writer.pages)
    writer.add_outline_item(title="表紙", page_number=0)
    if front_pages > 1:
        writer.add_outline_item(title="目次", page_number=1)
    for part, reader in zip(parts, readers, strict=True):
        first = len(writer.pages)
        writer.append(reader, import_outline=False)
        for offset in range(part.pages):
            writer.pages[first + offset].merge_page(stamps[part.start_page - 1 + offset])
        writer.add_outline_item(title=part.sheet.department.name, page_number=first)
    writer.set_page_label(0, 0, prefix="表紙")
    if front_pages > 1:
        writer.set_page_label(1, front_pages - 1, prefix="目次")
    writer.set_page_label(front_pages, len(writer.pages) - 1, style="/D", start=1)
    writer.add_metadata(
        {
            "/Title": f"{fiscal_year.label} {CITY_KIND_TITLES[kind]}（全庁）",
            "/Author": settings.CITY_NAME,
            "/Creator": "組織目標",
        }
    )
    writer.root_object[NameObject("/Lang")] = TextStringObject("ja")
    writer.page_mode = "/UseOutlines"
    share_fonts(writer, font_paths())  # each font embedded once, not once per department
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def cache_prune(*, older_than: datetime.timedelta = datetime.timedelta(days=60)) -> int:
    """Delete cached renderings unused for a while; returns how many."""
    limit = timezone.now().timestamp() - older_than.total_seconds()
    removed = 0
    for path in cache_dir().glob("*.pdf"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            path.with_suffix(".pages").unlink(missing_ok=True)
            removed += 1
    return removed
