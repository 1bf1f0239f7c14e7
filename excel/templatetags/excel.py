"""{% load excel %}{% excel_import_allowed as can_import %}: whether to offer the Excel import."""

from django import template

from departments.permissions import can_import_any_sheet, can_import_sheet

register = template.Library()


@register.simple_tag(takes_context=True)
def excel_import_allowed(context) -> bool:
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and can_import_any_sheet(user))


@register.simple_tag(takes_context=True)
def sheet_import_allowed(context, sheet) -> bool:
    """Whether to offer "Excel から読み込む" for this sheet (its head, planning staff)."""
    user = context.get("user")
    return bool(
        user is not None
        and user.is_authenticated
        and can_import_sheet(user, department=sheet.department, fiscal_year=sheet.fiscal_year)
    )
