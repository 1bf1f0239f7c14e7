"""The review a request is about, loaded once and with its permission applied (like
`goals.access` for sheets and items): the decision is `departments.permissions`'."""

from django.http import Http404, HttpRequest

from departments.permissions import check_review, check_review_confirmation
from reviews import selectors
from reviews.models import Review


def review_for_request(request: HttpRequest, pk: int, *, confirm: bool = False) -> Review:
    """The review `pk` with its item, sheet, year and section: 404 when it does not exist or is
    invisible to the user; with `confirm=True`, 403 unless they confirm the department's reviews
    (the head)."""
    try:
        review = selectors.review_with_context(pk=pk)
    except Review.DoesNotExist:
        raise Http404("確認が見つかりません。") from None
    check_review(request.user, item=review.item, section=review.section)
    if confirm:
        check_review_confirmation(request.user, review.item.sheet)
    return review
