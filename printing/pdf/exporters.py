"""Exporters: plain functions returning (filename, content_type, bytes)."""

from core.http import safe_filename
from departments.models import Section
from goals.models import GoalSheet, PrintKind
from printing.pdf import renderer
from printing.pdf.layout import _with_content
from printing.pdf.renderer import PDF_CONTENT_TYPE
from printing.pdf.sections import section_reviews_html, sections_with_items
from printing.pdf.sheets import sheet_html

# Exporters ---------------------------------------------------------------------------------


def sheet_filename(sheet: GoalSheet, kind: str = PrintKind.PLAN) -> str:
    """令和8年度_組織目標展開整理表_市民部.pdf (…_達成状況_…, …_中間確認_…)."""
    parts = [sheet.fiscal_year.label, "組織目標展開整理表"]
    parts += {PrintKind.YEAR_END: ["達成状況"], PrintKind.MID_YEAR: ["中間確認"]}.get(kind, [])
    parts.append(sheet.department.name)
    return safe_filename("_".join(parts)) + ".pdf"


def sheet_pdf(
    sheet: GoalSheet, kind: str = PrintKind.PLAN, *, include_drafts: bool = False
) -> tuple[str, str, bytes]:
    """One department's sheet: `plan`, `year_end` (with 達成状況) or `mid_year` (draft reviews'
    texts only with `include_drafts`)."""
    return (
        sheet_filename(sheet, kind),
        PDF_CONTENT_TYPE,
        renderer.render_cached(sheet_html(sheet, kind, include_drafts=include_drafts)),
    )


def section_review_pdf(sheet: GoalSheet, section: Section) -> tuple[str, str, bytes]:
    """One section's review sheet: plan, 中間確認 and 年度末確認 of the items it carries."""
    html = section_reviews_html(sheet, [section])
    return section_filename(sheet, [section]), PDF_CONTENT_TYPE, renderer.render_cached(html)


def section_filename(sheet: GoalSheet, sections: list[Section]) -> str:
    """令和8年度_実行計画_市民部市民課.pdf for one section, …_実行計画_市民部.pdf for several."""
    unit = sheet.department.name + (sections[0].name if len(sections) == 1 else "")
    return safe_filename(f"{sheet.fiscal_year.label}_実行計画_{unit}") + ".pdf"


def section_reviews_pdf(
    sheet: GoalSheet, sections: list[Section] | None = None
) -> tuple[str, str, bytes]:
    """Every section's review sheet of a department in one file, each section on new pages
    with its own bookmark (`sections`: those to print, by default every one with items)."""
    sheet = _with_content(sheet)
    if sections is None:
        sections = sections_with_items(sheet)
    sections = sorted(sections, key=lambda section: (section.display_order, section.name))
    html = section_reviews_html(sheet, sections)
    return section_filename(sheet, sections), PDF_CONTENT_TYPE, renderer.render_cached(html)
