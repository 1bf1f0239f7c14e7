import pytest

from demo.loaders import load_demo
from goals.models import GoalSheet
from tests.excel.views.conftest import upload  # noqa: F401 (the upload fixture, for tests here too)


@pytest.fixture
def city(db):
    """The demo city (categories, departments, sections, years, scales and sheets), no logins."""
    load_demo(create_users=False)


@pytest.fixture
def empty_slot(city):
    """empty_slot(year, department) removes that demo sheet, so that an import creates it."""

    def clear(year: int, department: str):
        GoalSheet.objects.filter(fiscal_year__year=year, department__name=department).delete()

    return clear
