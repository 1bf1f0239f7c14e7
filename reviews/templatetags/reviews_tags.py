"""{% load reviews_tags %}: links and small labels of the review pages."""

import datetime

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.wareki import wareki_date
from departments.permissions import can_administer_city
from departments.permissions import files_reviews as _files_reviews

register = template.Library()


@register.simple_tag
def item_sheet_url(item) -> str:
    """Where an item lives: its row on the sheet page (`goals:sheet_detail`),
    or, until that page exists, its row on the sheet's review overview."""
    anchor = f"#item-{item.pk}"
    try:
        return reverse("goals:sheet_detail", args=[item.sheet_id]) + anchor
    except NoReverseMatch:
        return reverse("reviews:sheet_reviews", args=[item.sheet_id]) + anchor


@register.simple_tag
def review_url(slot) -> str:
    return reverse("reviews:review_edit", args=slot.url_args)


@register.filter
def is_planning(user) -> bool:
    """Planning staff (or an admin): the dashboard, search and years appear in the menu."""
    return can_administer_city(user)


@register.filter
def files_reviews(user) -> bool:
    """Heads and chiefs of any year: My reviews appears in the menu."""
    return _files_reviews(user)


@register.filter
def days_left(deadline) -> str:
    """（あと9日） / （今日まで） / （3日過ぎています） beside a deadline."""
    if not isinstance(deadline, datetime.date):
        return ""
    days = (deadline - timezone.localdate()).days
    if days > 0:
        return f"（あと{days}日）"
    if days == 0:
        return "（今日まで）"
    return f"（{-days}日過ぎています）"


@register.simple_tag
def review_reopen_url(slot) -> str:
    return reverse("reviews:review_reopen", args=slot.url_args)


@register.filter
def as_wareki(value) -> str:
    """A date, or a date typed in a form (2026-11-30), in 和暦; anything else: nothing."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return ""
    if isinstance(value, datetime.date):
        return wareki_date(value)
    return ""
