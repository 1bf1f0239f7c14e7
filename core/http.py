"""What every view answers the same way: the page or its htmx partial, a file to download."""

import re

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request that is not a boosted page load: answer with the partial only."""
    return bool(request.htmx) and not request.htmx.boosted


def page_or_partial(request: HttpRequest, template: str, partial: str) -> str:
    """`template#partial` for htmx, the whole `template` otherwise."""
    return f"{template}#{partial}" if wants_partial(request) else template


def attachment(filename: str, content_type: str, content: bytes) -> HttpResponse:
    """A download with its Japanese file name (RFC 6266), never kept by a shared cache: drafts
    are printed and exported too."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def safe_filename(text: str) -> str:
    """令和8年度 組織目標展開整理表/市民部 → 令和8年度_組織目標展開整理表_市民部."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_")
