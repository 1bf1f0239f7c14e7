"""{% load print_menu %}: the print menu's entry and the download buttons of the sheet pages.

- `{% if user|can_print_city %}`: the print menu (planning staff, administrators).
- `{% sheet_print_links sheet %}`: the PDFs of a department's sheet the user may download, as
  `departments.permissions.sheet_print_kinds` decides for `printing.views.sheet_pdf` (no query).
"""

from django import template

from departments.permissions import PRINT_SECTION_REVIEW, sheet_print_kinds
from departments.permissions import can_print_city as _can_print_city
from goals.models import PrintKind

register = template.Library()

LINK_LABELS = {
    PrintKind.PLAN: "整理表（PDF）",
    PrintKind.YEAR_END: "達成状況つき（PDF）",
    PrintKind.MID_YEAR: "中間確認（PDF）",
    PRINT_SECTION_REVIEW: "課の実行計画（PDF）",
}


@register.filter
def can_print_city(user) -> bool:
    return _can_print_city(user)


@register.inclusion_tag("print/_sheet_links.html", takes_context=True)
def sheet_print_links(context, sheet):
    """Buttons for the sheet's PDFs the user may download, in the order above."""
    kinds = set(sheet_print_kinds(context["request"].user, sheet))
    links = [(kind, label) for kind, label in LINK_LABELS.items() if kind in kinds]
    return {"sheet": sheet, "links": links}
