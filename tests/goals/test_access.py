"""goals.access: the one way views load a sheet or item for a request."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from goals.access import item_for_request, sheet_for_request


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_another_departments_sheet_is_404_in_one_query(org, django_assert_num_queries):
    request = request_of(org.head_b)
    # The sheet and the user's roles; none of its content.
    with django_assert_num_queries(2), pytest.raises(Http404):
        sheet_for_request(request, org.sheet_a.pk, content=True)


def test_a_missing_sheet_is_404(org):
    with pytest.raises(Http404):
        sheet_for_request(request_of(org.admin), org.sheet_a.pk + 1000)


def test_a_read_only_sheet_is_403_where_writing(org):
    request = request_of(org.chief_a)

    assert sheet_for_request(request, org.sheet_a.pk) == org.sheet_a
    with pytest.raises(PermissionDenied):
        sheet_for_request(request, org.sheet_a.pk, write=True)


def test_content_is_loaded_once(org, django_assert_num_queries):
    request = request_of(org.head_a)
    sheet = sheet_for_request(request, org.sheet_a.pk, write=True, content=True)

    with django_assert_num_queries(0):
        items = list(sheet.items.all())
        carriers = [carrier.section.name for carrier in items[0].carriers.all()]
        assert (sheet.department.name, sheet.fiscal_year.progress_scale_id) == (
            "市民部",
            org.fiscal_year.progress_scale_id,
        )
        assert list(sheet.signers.all()) == []
    assert carriers == ["市民課"]


def test_an_item_of_another_sheet_is_404(org):
    request = request_of(org.admin)

    sheet, item = item_for_request(request, org.sheet_a.pk, org.item_a.pk)
    assert (sheet, item, item.sheet) == (org.sheet_a, org.item_a, sheet)
    with pytest.raises(Http404):
        item_for_request(request, org.sheet_a.pk, org.item_b.pk)
