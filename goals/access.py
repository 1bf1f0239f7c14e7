"""The sheet (or item) a request is about, loaded once and with its permission applied.

Every view module (goals, reviews, printing, excel) loads a sheet for a request through
`sheet_for_request`: a sheet that does not exist or is another department's is a 404, a read-only
one a 403 where the view writes (`write=True`). The decision is `departments.permissions`'; this
module only loads and asks.
"""

from django.http import Http404, HttpRequest

from departments.permissions import check_sheet
from goals import selectors
from goals.models import GoalItem, GoalSheet


def sheet_for_request(
    request: HttpRequest, pk: int, *, write: bool = False, content: bool = False
) -> GoalSheet:
    """The sheet `pk` with its year, the year's scales and its department (one query).

    `content=True` then loads its signers, revisions and items as `selectors.sheet_with_content`
    does, only once the permission is granted (a refused request reads nothing more)."""
    sheet = selectors.sheet_with_header(pk=pk)
    if sheet is None:
        raise Http404("整理表が見つかりません。")
    check_sheet(request.user, sheet, write=write)
    if content:
        selectors.sheet_content_load(sheet)
    return sheet


def item_for_request(
    request: HttpRequest, sheet_pk: int, pk: int, *, write: bool = False
) -> tuple[GoalSheet, GoalItem]:
    """The sheet (as `sheet_for_request`) and its item `pk`; an item of another sheet is a 404."""
    sheet = sheet_for_request(request, sheet_pk, write=write)
    item = selectors.item_of_sheet(sheet=sheet, pk=pk)
    if item is None:
        raise Http404("実施項目が見つかりません。")
    return sheet, item
