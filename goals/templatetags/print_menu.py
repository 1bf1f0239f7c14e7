"""{% load print_menu %}: {% if user|can_print_city %} shows the print menu's entry."""

from django import template

from departments.permissions import can_print_city as _can_print_city

register = template.Library()


@register.filter
def can_print_city(user) -> bool:
    return _can_print_city(user)
