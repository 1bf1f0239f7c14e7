"""reviews.access: a review loaded for a request, 404 when invisible, 403 for confirming."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from reviews.access import review_for_request
from reviews.models import Stage
from tests import factories


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_review_for_request(org):
    review = factories.ReviewFactory(item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR)

    assert review_for_request(request_of(org.head_a), review.pk, confirm=True) == review
    assert review_for_request(request_of(org.chief_a), review.pk) == review
    with pytest.raises(PermissionDenied):
        review_for_request(request_of(org.chief_a), review.pk, confirm=True)
    with pytest.raises(Http404):
        review_for_request(request_of(org.chief_a2), review.pk)
    with pytest.raises(Http404):
        review_for_request(request_of(org.head_a), review.pk + 1000)
