from django import template

from departments.permissions import can_publish

register = template.Library()


@register.filter
def attr_current(row, kind: str):
    """The row's current publication of that kind (for the loop over kinds)."""
    return row.current(kind)


@register.filter(name="can_publish")
def can_publish_filter(user) -> bool:
    return can_publish(user)
