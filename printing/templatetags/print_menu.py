"""{% load print_menu %}: the print menu's entry and the download buttons of the sheet pages.

- `{% if user|can_print_city %}`: the print menu (planning staff, administrators).
- `{% sheet_print_links sheet %}`: the PDFs of a department's sheet the user may download.
"""

from django import template

from departments.models import Section
from departments.permissions import Access, can_read_all_reviews, section_sheet_access, sheet_access
from departments.permissions import can_print_city as _can_print_city
from goals.models import PrintKind

register = template.Library()


@register.filter
def can_print_city(user) -> bool:
    return _can_print_city(user)


@register.inclusion_tag("print/_sheet_links.html", takes_context=True)
def sheet_print_links(context, sheet):
    """Buttons for the sheet's PDFs: the plan and the year-end sheet for whoever reads the sheet,
    the mid-year list for those who read every review, the section sheets they may read."""
    user = context["request"].user
    links = []
    if sheet_access(user, sheet) >= Access.READ:
        links = [
            (PrintKind.PLAN, "整理表（PDF）"),
            (PrintKind.YEAR_END, "達成状況つき（PDF）"),
        ]
        sections = list(Section.objects.filter(department=sheet.department_id))
        if can_read_all_reviews(user, sheet, sections):
            links.append((PrintKind.MID_YEAR, "中間確認（PDF）"))
        if any(
            section_sheet_access(user, sheet=sheet, section=section) >= Access.READ
            for section in sections
        ):
            links.append(("section_review", "課の実行計画（PDF）"))
    return {"sheet": sheet, "links": links}
