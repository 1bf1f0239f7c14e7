"""{% load wareki %}: {{ day|wareki }} → 令和8年4月1日, {{ moment|wareki_datetime }} →
令和8年11月21日 14:05, {{ 2026|nendo }} → 令和8年度."""

import datetime

from django import template
from django.utils import timezone

from core.wareki import fiscal_year_label, wareki_date

register = template.Library()


@register.filter(expects_localtime=True)
def wareki(value):
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        return ""
    return wareki_date(value)


@register.filter
def nendo(value):
    try:
        return fiscal_year_label(int(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def wareki_datetime(value):
    """A moment in Japan time: 令和8年11月21日 14:05."""
    if not isinstance(value, datetime.datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{wareki_date(value.date())} {value:%H:%M}"
