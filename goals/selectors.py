"""Reads of sheets and items, narrowed to what the user may see."""

from departments.permissions import sheets_visible_q
from goals.models import GoalSheet


def sheets_visible_to(*, user, fiscal_year=None):
    sheets = GoalSheet.objects.filter(sheets_visible_q(user)).select_related(
        "fiscal_year", "department"
    )
    if fiscal_year is not None:
        sheets = sheets.filter(fiscal_year=fiscal_year)
    return sheets.order_by("-fiscal_year__year", "department__display_order")
