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


def sheet_pdf(sheet: GoalSheet, kind: str = PrintKind.PLAN) -> tuple[str, str, bytes]:
    """One department's sheet: `plan`, `year_end` (with 達成状況) or `mid_year`."""
    return (
        sheet_filename(sheet, kind),
        PDF_CONTENT_TYPE,
        renderer.render_pdf(sheet_html(sheet, kind)),
    )


def section_review_pdf(sheet: GoalSheet, section: Section) -> tuple[str, str, bytes]:
    """One section's review sheet: plan, 中間確認 and 年度末確認 of the items it carries."""
    filename = f"{sheet.fiscal_year.label}_実行計画_{sheet.department.name}{section.name}.pdf"
    html = section_reviews_html(sheet, [section])
    return safe_filename(filename), PDF_CONTENT_TYPE, renderer.render_pdf(html)


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
    return safe_filename(filename), PDF_CONTENT_TYPE, renderer.render_pdf(html)
