"""Fixtures of the notification tests: the `org` city with mail addresses and a second head."""

import pytest

from departments.models import Role
from goals.models import SheetSigner
from tests import factories

SITE = "https://mokuhyo.example.jp"


def address(user) -> str:
    return f"{user.username}@city.example.jp"


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.SITE_URL = SITE
    settings.CITY_NAME = "国分寺市"
    settings.DEFAULT_FROM_EMAIL = "mokuhyo@city.example.jp"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def city(org):
    """`org` with everyone's mail address, a second head of A (担当部長) and a second planner."""
    for name in ["planner", "head_a", "head_b", "chief_a", "chief_a2", "chief_b", "admin"]:
        user = getattr(org, name)
        user.email = address(user)
        user.save(update_fields=["email"])
    org.head_a2 = factories.UserFactory(
        username="head_a2", last_name="担当", first_name="花子", email="head_a2@city.example.jp"
    )
    factories.RoleAssignmentFactory(
        user=org.head_a2,
        fiscal_year=org.fiscal_year.year,
        role=Role.DEPARTMENT_HEAD,
        department=org.dept_a,
        title="担当部長",
    )
    org.planner2 = factories.UserFactory(
        username="planner2", last_name="政策", email="planner2@city.example.jp"
    )
    factories.RoleAssignmentFactory(
        user=org.planner2, fiscal_year=org.fiscal_year.year, role="planning"
    )
    for sheet in (org.sheet_a, org.sheet_b):
        SheetSigner.objects.create(sheet=sheet, title="部長", name="署名 太郎")
    return org


def recipients(outbox) -> set[str]:
    """Everyone mailed; each mail goes to one person (checked where it matters)."""
    return {address for message in outbox for address in message.to}


def set_phase(org, phase):
    org.fiscal_year.phase = phase
    org.fiscal_year.save(update_fields=["phase"])
