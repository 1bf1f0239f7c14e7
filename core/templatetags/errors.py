"""{% load errors %}{{ exception|japanese_only }}: our own error messages, not Django's.

Views raise Http404/PermissionDenied with a Japanese reason ("整理表が見つかりません。");
Django's own (get_object_or_404: "No GoalSheet matches the given query.") stay hidden.
"""

import re

from django import template

register = template.Library()

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@register.filter
def japanese_only(message) -> str:
    message = str(message or "")
    return message if _JAPANESE.search(message) else ""
