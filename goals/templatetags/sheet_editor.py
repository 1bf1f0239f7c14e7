"""{% load sheet_editor %}: small display helpers of the sheet editor's screens."""

from django import template

register = template.Library()


@register.filter
def lines(value):
    """A list of lines for a value that is a list or a multi-line text (history entries)."""
    if isinstance(value, list | tuple):
        return [str(each) for each in value]
    if value in (None, ""):
        return []
    return str(value).split("\n")
