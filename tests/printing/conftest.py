import pytest

from goals.models import GoalSheet, SheetStatus


@pytest.fixture
def accepted_sheets(org):
    """The org's two sheets accepted: the whole-city bundle prints only accepted sheets."""
    GoalSheet.objects.filter(pk__in=[org.sheet_a.pk, org.sheet_b.pk]).update(
        status=SheetStatus.ACCEPTED
    )
    return org
