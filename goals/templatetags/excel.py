"""{% load excel %}{% excel_import_allowed as can_import %}: whether to offer the Excel import."""

from django import template

from departments.permissions import can_import_any_sheet

register = template.Library()


@register.simple_tag(takes_context=True)
def excel_import_allowed(context) -> bool:
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and can_import_any_sheet(user))
