"""The section review sheet (課の実行計画, the Machida layout)."""

from dataclasses import dataclass

from django.template.loader import render_to_string

from departments.models import Section
from goals.models import GoalSheet
from goals.selectors import (
    sheet_rows,
)
from printing.pdf.layout import (
    A3_LANDSCAPE_WIDTH_MM,
    Column,
    Paragraph,
    _pending,
    _with_content,
    draft_mark,
    paragraphs,
    width_for,
)
from printing.pdf.sheets import _reviewed_by, _reviewer_ids
from reviews.models import Stage
from reviews.selectors import reviews_of_sheet

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
    sections = sorted(sections, key=lambda section: (section.display_order, section.name))
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
            "department_name": sheet.department.name,
            "draft_mark": draft_mark(sheet),
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
