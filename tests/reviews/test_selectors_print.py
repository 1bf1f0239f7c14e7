"""reviews.selectors.reviews_of_sheet: a sheet's reviews at one stage, in one query."""

from reviews.models import Stage
from reviews.selectors import reviews_of_sheet
from tests import factories


def test_keys_are_item_and_section(org, django_assert_num_queries):
    common = factories.GoalItemFactory(sheet=org.sheet_a, position=1, is_common=True)
    mid = factories.ReviewFactory(item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR)
    department = factories.ReviewFactory(item=common, section=None, stage=Stage.MID_YEAR)
    factories.ReviewFactory(item=org.item_a, section=org.section_a1, stage=Stage.YEAR_END)
    factories.ReviewFactory(item=org.item_b, section=org.section_b1, stage=Stage.MID_YEAR)

    with django_assert_num_queries(1):
        found = reviews_of_sheet(sheet=org.sheet_a, stage=Stage.MID_YEAR)
        marks = [review.progress_mark for review in found.values()]

    assert found == {(org.item_a.pk, org.section_a1.pk): mid, (common.pk, None): department}
    assert marks == [None, None]
