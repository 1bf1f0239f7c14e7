"""The official PDF prints: the department sheet (plan, year-end, mid-year), the section review
sheet and the whole city's bundle.

Exporters are plain functions returning `(filename, content_type, bytes)`; views and the
`export_pdf` command only check permissions and wrap them. HTML comes from `templates/pdf/`
(autoescaped: user text is text) and WeasyPrint turns it into PDF with the project's own fonts.
WeasyPrint may read nothing but the files in `ASSETS`: `ProjectFilesFetcher` refuses every other
URL, so that text typed by a user can never make it fetch a URL or a file.

The whole city is rendered department by department: each department's HTML is built here
(the database reads), rendered in worker processes (`printing/worker.py`) that need only the
HTML, and cached under MEDIA_ROOT by a hash of that HTML and of the renderer, so that an
unchanged department reuses its last rendering. The parts are then put together with a cover, a
table of contents, bookmarks and
page numbers running through the bundle.

The package re-exports its modules' public names (`from printing import pdf`, `pdf.sheet_pdf`)."""

from printing.coverage import sheet_unprintable
from printing.glyphs import REPLACEMENT, MissingGlyph
from printing.pdf.bundle import (
    CITY_KIND_TITLES,
    BundlePart,
    Progress,
    cache_prune,
    city_filename,
    city_pdf,
    render_processes,
)
from printing.pdf.exporters import (
    section_review_pdf,
    section_reviews_pdf,
    sheet_filename,
    sheet_pdf,
)
from printing.pdf.fonts import IsolatedFontConfiguration
from printing.pdf.layout import (
    A3_LANDSCAPE_WIDTH_MM,
    A4_LANDSCAPE_WIDTH_MM,
    BODY_PT,
    CELL_PADDING_MM,
    PENDING_LABELS,
    PT_TO_MM,
    Column,
    Paragraph,
    paragraphs,
    text_em,
    unbreakable_chunks,
    width_for,
)
from printing.pdf.renderer import (
    ASSETS,
    FONTS,
    PDF_CONTENT_TYPE,
    RENDER_FAILED,
    RENDERER_VERSION,
    STYLESHEET,
    USER_AGENT_STYLESHEET,
    PdfRenderError,
    ProjectFilesFetcher,
    Renderer,
    SheetHTML,
    asset_paths,
    cache_dir,
    cache_path,
    logger,
    page_count,
    render_cached,
    render_pdf,
    render_to_cache,
    renderer_fingerprint,
    thread_renderer,
)
from printing.pdf.sections import (
    SectionPage,
    SectionRow,
    section_carries,
    section_reviews_html,
    sections_with_items,
)
from printing.pdf.sheets import (
    PLAN_SPANS,
    STATUS_SPANS,
    PlanRow,
    StatusRow,
    review_sections,
    sheet_html,
)

__all__ = [
    "A3_LANDSCAPE_WIDTH_MM",
    "A4_LANDSCAPE_WIDTH_MM",
    "ASSETS",
    "BODY_PT",
    "CELL_PADDING_MM",
    "CITY_KIND_TITLES",
    "FONTS",
    "PDF_CONTENT_TYPE",
    "PENDING_LABELS",
    "PLAN_SPANS",
    "PT_TO_MM",
    "RENDERER_VERSION",
    "RENDER_FAILED",
    "REPLACEMENT",
    "STATUS_SPANS",
    "STYLESHEET",
    "USER_AGENT_STYLESHEET",
    "BundlePart",
    "Column",
    "IsolatedFontConfiguration",
    "MissingGlyph",
    "Paragraph",
    "PdfRenderError",
    "PlanRow",
    "Progress",
    "ProjectFilesFetcher",
    "Renderer",
    "SectionPage",
    "SectionRow",
    "SheetHTML",
    "StatusRow",
    "asset_paths",
    "cache_dir",
    "cache_path",
    "cache_prune",
    "city_filename",
    "city_pdf",
    "logger",
    "page_count",
    "paragraphs",
    "render_cached",
    "render_pdf",
    "render_processes",
    "render_to_cache",
    "renderer_fingerprint",
    "review_sections",
    "section_carries",
    "section_review_pdf",
    "section_reviews_html",
    "section_reviews_pdf",
    "sections_with_items",
    "sheet_filename",
    "sheet_html",
    "sheet_pdf",
    "sheet_unprintable",
    "text_em",
    "thread_renderer",
    "unbreakable_chunks",
    "width_for",
]
