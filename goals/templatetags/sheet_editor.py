"""{% load sheet_editor %}: small display helpers of the sheet editor's screens."""

import datetime

from django import template
from django.utils import timezone

from goals.wareki import wareki_date

register = template.Library()


@register.filter(expects_localtime=True)
def wareki_datetime(value):
    """A moment in Japanese time: 令和8年11月21日 14:05."""
    if not isinstance(value, datetime.datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{wareki_date(value.date())} {value:%H:%M}"


@register.filter
def lines(value):
    """A list of lines for a value that is a list or a multi-line text (history entries)."""
    if isinstance(value, list | tuple):
        return [str(each) for each in value]
    if value in (None, ""):
        return []
    return str(value).split("\n")
