"""{% load wareki %}: {{ day|wareki }} → 令和8年4月1日, {{ 2026|nendo }} → 令和8年度."""

import datetime

from django import template

from goals.wareki import fiscal_year_label, wareki_date

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
