"""The official PDF prints: the department sheet (plan, year-end, mid-year), the section review
sheet and the whole city's bundle.

Exporters are plain functions returning `(filename, content_type, bytes)`; views and the
`export_pdf` command only check permissions and wrap them. HTML comes from `templates/pdf/`
(autoescaped: user text is text) and WeasyPrint turns it into PDF with the project's own fonts.
WeasyPrint may read nothing but the files in `ASSETS`: `ProjectFilesFetcher` refuses every other
URL, so that text typed by a user can never make it fetch a URL or a file.

The whole city is rendered department by department: each department's HTML is built here (the
database reads), rendered in worker processes that need only the HTML, and cached under
MEDIA_ROOT by a hash of that HTML and of the renderer, so that an unchanged department reuses its
last rendering. The parts are then put together with a cover, a table of contents, bookmarks and
page numbers running through the bundle.
"""

import datetime
import hashlib
import io
import logging
import multiprocessing
import os
import re
import threading
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from core.http import safe_filename
from core.wareki import wareki_date
from departments.models import Section
from goals.models import FiscalYear, GoalSheet, PrintKind
from goals.selectors import (
    COMMON_LABEL,
    sheet_date_line,
    sheet_rows,
    sheet_with_content,
    sheets_with_content,
)
from printing import worker as pdf_worker
from reviews.models import ReviewStatus, Stage
from reviews.selectors import achievement_status_by_item, reviewers_due, reviews_of_sheet

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"

# Bump when the output changes in a way the HTML does not show (the assembly, say), so that
# cached department renderings are not reused.
RENDERER_VERSION = "1"

STYLESHEET = "pdf/sheet.css"
USER_AGENT_STYLESHEET = "pdf/ua.css"
FONTS = ("fonts/BIZUDPGothic-Regular.ttf", "fonts/BIZUDPGothic-Bold.ttf")
ASSETS = (STYLESHEET, USER_AGENT_STYLESHEET, *FONTS)
_MEDIA_TYPES = {".css": "text/css", ".ttf": "font/ttf"}


RENDER_FAILED = "PDF を作成できませんでした。時間をおいてもう一度お試しください。"


class PdfRenderError(Exception):
    """The PDF could not be made; the message is for the user, in Japanese."""


# Rendering ---------------------------------------------------------------------------------


@cache
def asset_paths() -> dict[str, Path]:
    """The static files the renderer may read, found like any static file."""
    paths = {}
    for name in ASSETS:
        found = finders.find(name)
        if not found:
            raise ImproperlyConfigured(f"PDF に必要な静的ファイル {name} が見つかりません。")
        paths[name] = Path(found).resolve()
    return paths


class ProjectFilesFetcher(URLFetcher):
    """Serves the project's own fonts and stylesheet to WeasyPrint and refuses everything else:
    no network, no other file, whatever URL a document may contain."""

    def __init__(self, allowed: Iterable[Path]):
        super().__init__(allowed_protocols=["file"], allow_redirects=False)
        self._allowed = {path.resolve() for path in allowed}
        # The last URLs asked for and refused, for tests and logs; bounded because the renderer
        # lives as long as its worker process.
        self.requested: deque[str] = deque(maxlen=200)
        self.refused: deque[str] = deque(maxlen=200)

    def fetch(self, url, headers=None):
        self.requested.append(url)
        parts = urlsplit(url)
        path = None
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(url2pathname(unquote(parts.path))).resolve()
        if path is None or path not in self._allowed:
            self.refused.append(url)
            logger.warning("PDF: refused to fetch %s", url[:200])
            raise ValueError("このアドレスは PDF の作成に使えません。")
        return URLFetcherResponse(
            path.as_uri(),
            body=path.read_bytes(),
            headers={"Content-Type": _MEDIA_TYPES.get(path.suffix, "application/octet-stream")},
        )


class SheetHTML(weasyprint.HTML):
    """An HTML document whose user-agent stylesheet is ours (static/pdf/ua.css): WeasyPrint's
    HTML5 one, made for any page, cost a third of the rendering time. (Should a WeasyPrint
    release rename this hook, its own stylesheet applies again: slower, same result.)"""

    user_agent_stylesheet = None

    def _ua_stylesheets(self, forms=False):
        if self.user_agent_stylesheet is None:
            return super()._ua_stylesheets(forms)
        return [self.user_agent_stylesheet]


class Renderer:
    """WeasyPrint with the stylesheets parsed and the fonts loaded once (per thread)."""

    def __init__(self):
        paths = asset_paths()
        self.fetcher = ProjectFilesFetcher(paths.values())
        self.font_config = FontConfiguration()
        self.stylesheet = self._css(paths[STYLESHEET])
        self.user_agent_stylesheet = self._css(paths[USER_AGENT_STYLESHEET])
        self.base_url = paths[STYLESHEET].parent.as_uri() + "/"

    def _css(self, path: Path):
        return weasyprint.CSS(
            filename=str(path), url_fetcher=self.fetcher, font_config=self.font_config
        )

    def render(self, html: str) -> bytes:
        document = SheetHTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        document.user_agent_stylesheet = self.user_agent_stylesheet
        return document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config)


_local = threading.local()


def renderer() -> Renderer:
    if getattr(_local, "renderer", None) is None:
        _local.renderer = Renderer()
    return _local.renderer


def render_pdf(html: str) -> bytes:
    """HTML to PDF bytes, or PdfRenderError: never a partial file."""
    try:
        return renderer().render(html)
    except Exception as error:
        logger.exception("PDF rendering failed")
        raise PdfRenderError(RENDER_FAILED) from error


@cache
def renderer_fingerprint() -> str:
    """What besides the HTML decides the output: our version, WeasyPrint's, the CSS, the fonts."""
    digest = hashlib.sha256(f"{RENDERER_VERSION}|{weasyprint.__version__}".encode())
    for name, path in sorted(asset_paths().items()):
        digest.update(name.encode())
        # The stylesheet by content; a font (4 MB) by size, which changes with its version.
        content = path.read_bytes() if path.suffix == ".css" else str(path.stat().st_size).encode()
        digest.update(content)
    return digest.hexdigest()


def page_count(data: bytes | Path) -> int:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return len(PdfReader(source).pages)


# Layout helpers ----------------------------------------------------------------------------

PT_TO_MM = 25.4 / 72
BODY_PT = 8.5
A4_LANDSCAPE_WIDTH_MM = 297 - 2 * 9
A3_LANDSCAPE_WIDTH_MM = 420 - 2 * 9
CELL_PADDING_MM = 2.4 + 0.6


def text_em(text: str) -> float:
    """A line's width in em: wide (Japanese) characters 1, the others about half."""
    return sum(1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.55 for char in text)


def width_for(texts: Iterable[str], *, low: float, high: float, pt: float = BODY_PT) -> float:
    """A column width in mm wide enough for the longest of `texts` on one line, within bounds."""
    widest = max((text_em(text) for text in texts), default=0.0)
    return round(min(high, max(low, widest * pt * PT_TO_MM + CELL_PADDING_MM)), 1)


# Where a long value may break: after the year of a date, before a parenthesis.
_BREAK_POINTS = re.compile(r"(?<=年)(?=[0-9０-９])|(?<=\S)(?=[（(])")


def unbreakable_chunks(text: str) -> list[str]:
    """Pieces printed without a line break inside: `令和8年12月25日` → 令和8年 / 12月25日,
    `ほとんど未達成だった(達成率80～50%)` → ほとんど未達成だった / (達成率80～50%);
    `年度末` and `12月` stay whole."""
    return [chunk for chunk in _BREAK_POINTS.split(text or "") if chunk]


_HANGING_MARK = re.compile(r"^[・･●○◯■□◆◇▪※\-‐－*＊①-⑳㉑-㉟]|^[(（][0-9０-９一-十]+[)）]")


@dataclass
class Paragraph:
    text: str
    hanging: bool


def paragraphs(text: str) -> list[Paragraph]:
    """Free text as typed (a review, an indicator): one paragraph per line; a line that starts
    with a marker (・, ①, (1) …) hangs like a bullet."""
    lines = (line.strip() for line in (text or "").replace("\r\n", "\n").split("\n"))
    return [Paragraph(line, bool(_HANGING_MARK.match(line))) for line in lines if line]


@dataclass
class Column:
    label: str
    width: float  # mm; the last flexible columns share what is left

    @property
    def style(self) -> str:
        return f"width: {self.width:.1f}mm"


def _share(total: float, fixed: list[Column], flexible: list[tuple[str, float]]) -> list[Column]:
    rest = total - sum(column.width for column in fixed)
    weights = sum(weight for _, weight in flexible)
    return [Column(label, round(rest * weight / weights, 1)) for label, weight in flexible]


def _with_content(sheet: GoalSheet) -> GoalSheet:
    """The sheet with its header and items prefetched (`sheet_with_content`), once."""
    prefetched = getattr(sheet, "_prefetched_objects_cache", {})
    if {"items", "signers", "revisions"} <= prefetched.keys():
        return sheet
    return sheet_with_content(pk=sheet.pk)


def _department_sections(sheet: GoalSheet) -> dict[int, Section]:
    sections = Section.objects.filter(department=sheet.department_id)
    return {section.pk: section for section in sections}


def _spans(rows: list, key: Callable, span_attr: str) -> None:
    """Merge consecutive rows with the same key: the first gets the row count, the others 0."""
    anchor = None
    anchor_key = object()
    for row in rows:
        row_key = key(row)
        if anchor is not None and row_key == anchor_key:
            setattr(anchor, span_attr, getattr(anchor, span_attr) + 1)
            setattr(row, span_attr, 0)
        else:
            anchor, anchor_key = row, row_key
            setattr(row, span_attr, 1)


def _blocks(rows: list, span_attrs: tuple[str, ...]) -> list[list]:
    """Rows tied together by a merged cell, kept on one page (unless taller than a page)."""
    blocks: list[list] = []
    for row in rows:
        if blocks and any(getattr(row, attr) == 0 for attr in span_attrs):
            blocks[-1].append(row)
        else:
            blocks.append([row])
    return blocks


PENDING_LABELS = {
    ReviewStatus.DRAFT: "（作成中）",
    ReviewStatus.SUBMITTED: "（提出済み・部長の確認前）",
    ReviewStatus.RETURNED: "（差し戻し中）",
}


def _pending(review) -> str:
    """A review printed before its confirmation says so."""
    if review is None or review.status == ReviewStatus.CONFIRMED:
        return ""
    return PENDING_LABELS.get(review.status, "")


# The department sheet: plan and year-end ---------------------------------------------------


@dataclass
class PlanRow:
    number: int
    number_span: int
    title: str
    title_span: int
    category: str
    achievement: list[str]
    achievement_as_prose: bool
    achievement_span: int
    method: list[str]
    method_as_prose: bool
    deadline: list[str]
    carriers: list[str]
    status: list[list[str]] = field(default_factory=list)  # lines of unbreakable chunks


PLAN_SPANS = ("number_span", "title_span", "achievement_span")


def _plan_rows(sheet: GoalSheet, statuses: dict[int, list[str]]) -> list[PlanRow]:
    return [
        PlanRow(
            number=row.item.number,
            number_span=row.number_span,
            title=row.title,
            title_span=row.title_span,
            category=row.item.category.name if row.item.category else "",
            achievement=row.achievement,
            achievement_as_prose=row.achievement_as_prose,
            achievement_span=row.achievement_span,
            method=row.method,
            method_as_prose=row.item.method_as_prose,
            deadline=unbreakable_chunks(row.item.deadline),
            carriers=row.carriers,
            status=[unbreakable_chunks(line) for line in statuses.get(row.item.pk, [])],
        )
        for row in sheet_rows(sheet.items.all())
    ]


def _plan_columns(rows: list[PlanRow], *, year_end: bool) -> list[Column]:
    fixed = [
        Column("番号", 9),
        Column("実施項目\n（業務目標又は事務の内容）", 38),
        Column("計画・方針\n等の分類", width_for((r.category for r in rows), low=16, high=27)),
    ]
    tail = [
        Column(
            "いつまで\n（期限）",
            width_for((c for r in rows for c in r.deadline), low=13, high=22),
        ),
        Column(
            "共通/課名",
            width_for((name for r in rows for name in r.carriers), low=16, high=30),
        ),
    ]
    if year_end:
        tail.append(
            Column(
                "達成状況",
                width_for((c for r in rows for line in r.status for c in line), low=20, high=34),
            )
        )
    flexible = _share(
        A4_LANDSCAPE_WIDTH_MM,
        fixed + tail,
        [
            ("どの水準まで\n（達成水準又は遂行後の状態等）", 0.47),
            ("どのような方法で\n（目標等を達成するための取組の内容等）", 0.53),
        ],
    )
    return fixed + flexible + tail


def _document_title(sheet: GoalSheet, kind: str) -> str:
    suffix = {PrintKind.YEAR_END: " 達成状況", PrintKind.MID_YEAR: " 中間確認"}.get(kind, "")
    return f"{sheet.title} {sheet.department.name}{suffix}"


def sheet_html(sheet: GoalSheet, kind: str = PrintKind.PLAN, *, bundled: bool = False) -> str:
    """The department sheet as HTML for the renderer (`kind`: plan, year_end, mid_year)."""
    if kind not in PrintKind.values:
        raise ValueError(f"unknown kind {kind!r}")
    sheet = _with_content(sheet)
    if kind == PrintKind.MID_YEAR:
        return _mid_year_html(sheet, bundled=bundled)
    year_end = kind == PrintKind.YEAR_END
    statuses = achievement_status_by_item(sheet=sheet) if year_end else {}
    rows = _plan_rows(sheet, statuses)
    return render_to_string(
        "pdf/sheet.html",
        {
            "document_title": _document_title(sheet, kind),
            "title": sheet.title,
            "date_line": sheet_date_line(sheet),
            "signers": list(sheet.signers.all()),
            "columns": _plan_columns(rows, year_end=year_end),
            "blocks": _blocks(rows, PLAN_SPANS),
            "year_end": year_end,
            "bundled": bundled,
        },
    )


# The mid-year status sheet -----------------------------------------------------------------


@dataclass
class StatusRow:
    item_id: int
    number: int
    title_anchor: int
    title: str
    deadline: list[str]
    carrier: str
    mark: str
    first_half: list[Paragraph]
    second_half: list[Paragraph]
    pending: str
    number_span: int = 1
    title_span: int = 1
    deadline_span: int = 1


STATUS_SPANS = ("number_span", "title_span", "deadline_span")


def _reviewed_by(reviews: dict[tuple[int, int | None], object]) -> dict[int, list[int | None]]:
    """Per item, who already wrote a review (keys of `reviews_of_sheet`)."""
    by_item: dict[int, list[int | None]] = {}
    for item_id, section_id in reviews:
        by_item.setdefault(item_id, []).append(section_id)
    return by_item


def _reviewer_ids(item, reviewed_by: dict[int, list[int | None]]) -> list[int | None]:
    """The one rule of who files an item's review (`reviews.selectors.reviewers_due`)."""
    return reviewers_due(
        is_common=item.is_common,
        common_reviewer_section_id=item.common_reviewer_section_id,
        carrier_section_ids=[carrier.section_id for carrier in item.carriers.all()],
        reviewed_by=reviewed_by.get(item.pk, ()),
    )


def review_sections(item, sections: dict[int, Section], reviewed_by) -> list[Section | None]:
    """Who reviews an item: each section carrying it, or for a 共通 item the section named to
    review it (None: the department itself)."""
    return [
        None if section_id is None else sections.get(section_id)
        for section_id in _reviewer_ids(item, reviewed_by)
    ]


def _status_rows(sheet: GoalSheet) -> list[StatusRow]:
    sections = _department_sections(sheet)
    reviews = reviews_of_sheet(sheet=sheet, stage=Stage.MID_YEAR)
    reviewed_by = _reviewed_by(reviews)
    rows: list[StatusRow] = []
    title_anchor = 0
    for index, layout in enumerate(sheet_rows(sheet.items.all())):
        item = layout.item
        if layout.title_span:
            title_anchor = index
        for section in review_sections(item, sections, reviewed_by):
            review = reviews.get((item.pk, section.pk if section else None))
            if section is None:
                carrier = COMMON_LABEL if item.is_common else ""
            elif item.is_common:
                carrier = f"{COMMON_LABEL}（{section.name}）"
            else:
                carrier = section.name
            rows.append(
                StatusRow(
                    item_id=item.pk,
                    number=item.number,
                    title_anchor=title_anchor,
                    title=layout.title,
                    deadline=unbreakable_chunks(item.deadline),
                    carrier=carrier,
                    mark=review.progress_mark.symbol if review and review.progress_mark else "",
                    first_half=paragraphs(review.first_half_status) if review else [],
                    second_half=paragraphs(review.second_half_plan) if review else [],
                    pending=_pending(review) if review else "（未記入）",
                )
            )
    _spans(rows, lambda row: row.number, "number_span")
    _spans(rows, lambda row: row.title_anchor, "title_span")
    _spans(rows, lambda row: row.item_id, "deadline_span")
    return rows


def _mid_year_html(sheet: GoalSheet, *, bundled: bool) -> str:
    rows = _status_rows(sheet)
    fixed = [
        Column("番号", 9),
        Column("実施項目\n（業務目標又は事務の内容）", 44),
        Column(
            "いつまで\n（期限）",
            width_for((c for r in rows for c in r.deadline), low=13, high=22),
        ),
        Column("共通/課名", width_for((r.carrier for r in rows), low=16, high=30)),
        Column("進捗\n状況", 11),
    ]
    flexible = _share(
        A4_LANDSCAPE_WIDTH_MM, fixed, [("上半期の状況や評価", 0.5), ("下半期の予定", 0.5)]
    )
    fiscal_year = sheet.fiscal_year
    return render_to_string(
        "pdf/mid_year.html",
        {
            "document_title": _document_title(sheet, PrintKind.MID_YEAR),
            "title": f"{fiscal_year.label} 組織目標展開整理表 中間確認（{sheet.department.name}）",
            "date_line": sheet_date_line(sheet),
            "signers": list(sheet.signers.all()),
            "marks": list(fiscal_year.progress_scale.marks.all()),
            "columns": fixed + flexible,
            "blocks": _blocks(rows, STATUS_SPANS),
            "bundled": bundled,
        },
    )


# The section review sheet (Machida layout) -------------------------------------------------


@dataclass
class SectionRow:
    rank: int
    category: str
    title: str
    method: list[str]
    method_as_prose: bool
    indicator: list[Paragraph]
    target: list[Paragraph]
    mark: str
    first_half: list[Paragraph]
    second_half: list[Paragraph]
    mid_year_pending: str
    summary: list[Paragraph]
    actual_value: list[Paragraph]
    grade: str
    evaluation_reason: list[Paragraph]
    issues_and_actions: list[Paragraph]
    year_end_pending: str


@dataclass
class SectionPage:
    section: Section
    unit_name: str
    mission: list[Paragraph]
    rows: list[SectionRow]


def section_carries(item, section: Section, reviewed_by=()) -> bool:
    """The section files the item's review at some stage: it carries the item (共通/課名) or
    reviews it for the department (共通). `reviewed_by`: `_reviewed_by` of each stage."""
    return any(section.pk in _reviewer_ids(item, by_stage) for by_stage in reviewed_by or [{}])


def _section_page(sheet, section, layout, mid_year, year_end) -> SectionPage:
    rows = []
    reviewed_by = (_reviewed_by(mid_year), _reviewed_by(year_end))
    for row in layout:
        item = row.item
        if not section_carries(item, section, reviewed_by):
            continue
        mid = mid_year.get((item.pk, section.pk))
        end = year_end.get((item.pk, section.pk))
        rows.append(
            SectionRow(
                rank=len(rows) + 1,
                category=item.category.name if item.category else "-",
                title=row.title,
                method=row.method,
                method_as_prose=item.method_as_prose,
                indicator=paragraphs(item.indicator),
                target=paragraphs(item.target),
                mark=mid.progress_mark.symbol if mid and mid.progress_mark else "",
                first_half=paragraphs(mid.first_half_status) if mid else [],
                second_half=paragraphs(mid.second_half_plan) if mid else [],
                mid_year_pending=_pending(mid),
                summary=paragraphs(end.summary) if end else [],
                actual_value=paragraphs(end.actual_value) if end else [],
                grade=end.achievement_level.short if end and end.achievement_level else "",
                evaluation_reason=paragraphs(end.evaluation_reason) if end else [],
                issues_and_actions=paragraphs(end.issues_and_actions) if end else [],
                year_end_pending=_pending(end),
            )
        )
    return SectionPage(
        section=section,
        unit_name=f"{sheet.department.name}{section.name}",
        mission=paragraphs(section.mission),
        rows=rows,
    )


def _section_columns(pages: list[SectionPage]) -> list[Column]:
    """14 columns on A3 landscape: fixed ones for short values, the rest shared by weight."""
    rows = [row for page in pages for row in page.rows]
    pt = 7.5
    wide, narrow = 1.35, 0.8
    spec: list[tuple[str, float | None]] = [
        ("順位", 8),
        ("計画\n類型", width_for((r.category for r in rows), low=12, high=24, pt=pt)),
        ("取組項目", 30),
        ("具体的な活動内容", None),
        ("指標", None),
        ("目標値", None),
        ("進捗\n状況", 11),
        ("上半期の状況や評価", None),
        ("下半期の予定", None),
        ("1年間の総括", None),
        ("目標値に\n対する\n実績値", None),
        ("評価", width_for((r.grade for r in rows), low=9, high=24, pt=pt)),
        ("評価の\n視点", None),
        ("課題と対応", None),
    ]
    narrow_labels = {"指標", "目標値", "目標値に\n対する\n実績値", "評価の\n視点"}
    fixed = sum(width for _, width in spec if width is not None)
    flexible = {
        label: narrow if label in narrow_labels else wide for label, width in spec if width is None
    }
    unit = (A3_LANDSCAPE_WIDTH_MM - fixed) / sum(flexible.values())
    return [
        Column(label, width if width is not None else round(unit * flexible[label], 1))
        for label, width in spec
    ]


def section_reviews_html(sheet: GoalSheet, sections: list[Section], *, bundled=False) -> str:
    """The review sheets of `sections` (each on its own pages) as HTML for the renderer."""
    sheet = _with_content(sheet)
    layout = sheet_rows(sheet.items.all())
    mid_year = reviews_of_sheet(sheet=sheet, stage=Stage.MID_YEAR)
    year_end = reviews_of_sheet(sheet=sheet, stage=Stage.YEAR_END)
    pages = [_section_page(sheet, section, layout, mid_year, year_end) for section in sections]
    label = sheet.fiscal_year.label
    names = (
        "・".join(page.unit_name for page in pages) if len(pages) <= 3 else sheet.department.name
    )
    return render_to_string(
        "pdf/section_review.html",
        {
            "document_title": f"{label} 実行計画（年度目標・中間確認・年度末確認） {names}",
            "year_label": label,
            "pages": pages,
            "columns": _section_columns(pages),
            "bundled": bundled,
        },
    )


def sections_with_items(sheet: GoalSheet) -> list[Section]:
    """The department's sections that carry (or review) an item of the sheet, in order."""
    sheet = _with_content(sheet)
    items = list(sheet.items.all())
    sections = Section.objects.filter(department=sheet.department_id).order_by(
        "display_order", "name"
    )
    reviewed_by = [
        _reviewed_by(reviews_of_sheet(sheet=sheet, stage=stage))
        for stage in (Stage.MID_YEAR, Stage.YEAR_END)
    ]
    return [
        section
        for section in sections
        if any(section_carries(item, section, reviewed_by) for item in items)
    ]


# Exporters ---------------------------------------------------------------------------------


def sheet_filename(sheet: GoalSheet, kind: str = PrintKind.PLAN) -> str:
    """令和8年度_組織目標展開整理表_市民部.pdf (…_達成状況_…, …_中間確認_…)."""
    parts = [sheet.fiscal_year.label, "組織目標展開整理表"]
    parts += {PrintKind.YEAR_END: ["達成状況"], PrintKind.MID_YEAR: ["中間確認"]}.get(kind, [])
    parts.append(sheet.department.name)
    return safe_filename("_".join(parts)) + ".pdf"


def sheet_pdf(sheet: GoalSheet, kind: str = PrintKind.PLAN) -> tuple[str, str, bytes]:
    """One department's sheet: `plan`, `year_end` (with 達成状況) or `mid_year`."""
    return sheet_filename(sheet, kind), PDF_CONTENT_TYPE, render_pdf(sheet_html(sheet, kind))


def section_review_pdf(sheet: GoalSheet, section: Section) -> tuple[str, str, bytes]:
    """One section's review sheet: plan, 中間確認 and 年度末確認 of the items it carries."""
    filename = f"{sheet.fiscal_year.label}_実行計画_{sheet.department.name}{section.name}.pdf"
    html = section_reviews_html(sheet, [section])
    return safe_filename(filename), PDF_CONTENT_TYPE, render_pdf(html)


def section_reviews_pdf(
    sheet: GoalSheet, sections: list[Section] | None = None
) -> tuple[str, str, bytes]:
    """Every section's review sheet of a department in one file, each section on new pages
    with its own bookmark (`sections`: those to print, by default every one with items)."""
    sheet = _with_content(sheet)
    if sections is None:
        sections = sections_with_items(sheet)
    filename = f"{sheet.fiscal_year.label}_実行計画_{sheet.department.name}.pdf"
    html = section_reviews_html(sheet, sections)
    return safe_filename(filename), PDF_CONTENT_TYPE, render_pdf(html)


# The whole city ----------------------------------------------------------------------------

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


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "pdf" / "cache"


def cache_path(html: str) -> Path:
    key = hashlib.sha256(renderer_fingerprint().encode() + html.encode()).hexdigest()
    return cache_dir() / f"{key}.pdf"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def render_to_cache(html: str, path: str) -> None:
    """Render one part into the cache (in a worker process or here)."""
    _write_atomically(Path(path), render_pdf(html))


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
            render_to_cache(part.html, str(part.path))
            done += 1
            progress(stage, done, total)
        return
    # Spawned workers share nothing with this process: no database connection, no threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=pdf_worker.setup) as pool:
        queued = [
            (part, pool.submit(pdf_worker.render_to_cache, part.html, str(part.path)))
            for part in missing
        ]
        # While the workers start and take parts from the front, this process takes them from
        # the back, as long as no worker has picked them up.
        for part, future in reversed(queued):
            if not future.cancel():
                break
            render_to_cache(part.html, str(part.path))
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
    fiscal_year: FiscalYear, kind: str = PrintKind.PLAN, *, progress: Progress | None = None
) -> tuple[str, str, bytes]:
    """Every department's sheet of a year in one PDF: cover, table of contents with page numbers,
    the departments with page numbers running through, and a bookmark per department."""
    progress = progress or _no_progress
    sheets = sheets_with_content(fiscal_year=fiscal_year)
    if not sheets:
        raise PdfRenderError(f"{fiscal_year.label}の整理表はまだありません。")
    progress("部ごとの内容を準備しています", 0, len(sheets))
    parts = []
    for sheet in sheets:
        html = sheet_html(sheet, kind, bundled=True)
        parts.append(BundlePart(sheet=sheet, html=html, path=cache_path(html)))
    _render_missing(parts, progress)

    progress("表紙・目次を付けてまとめています", len(parts), len(parts))
    readers = []
    number = 1
    for part in parts:
        os.utime(part.path)  # recently used: kept when old renderings are cleared
        readers.append(PdfReader(part.path))
        part.pages = len(readers[-1].pages)
        part.start_page, number = number, number + part.pages
    body_pages = number - 1
    front = render_pdf(_front_matter_html(fiscal_year, kind, parts, timezone.localdate()))
    stamps_html = _page_stamps_html(body_pages)
    stamps_path = cache_path(stamps_html)  # the same for every bundle of that length
    if not stamps_path.exists():
        render_to_cache(stamps_html, str(stamps_path))
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
    output = io.BytesIO()
    writer.write(output)
    return city_filename(fiscal_year, kind), PDF_CONTENT_TYPE, output.getvalue()


def cache_prune(*, older_than: datetime.timedelta = datetime.timedelta(days=60)) -> int:
    """Delete cached renderings unused for a while; returns how many."""
    limit = timezone.now().timestamp() - older_than.total_seconds()
    removed = 0
    for path in cache_dir().glob("*.pdf"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
