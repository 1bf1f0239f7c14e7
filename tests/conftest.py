"""Shared fixtures: a small city with two departments and a persona for every role.

`org` is what most tests need: department A (市民部: 市民課, 経済課) and B (福祉部: 生活福祉課),
this fiscal year, a draft sheet per department with one item each, and the personas
planner, head_a, head_b, chief_a (市民課), chief_a2 (経済課), chief_b, admin.
"""

import os
from dataclasses import dataclass

import pytest
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from departments.models import Role
from tests import factories

# Property tests check what is true, not how fast: the 200 ms per-example deadline fails them on a
# loaded machine (parallel workers, CI), so it is off; speed is measured in bench/.
hypothesis_settings.register_profile("project", deadline=None)
hypothesis_settings.load_profile("project")


@dataclass
class Org:
    fiscal_year: object
    dept_a: object
    dept_b: object
    section_a1: object
    section_a2: object
    section_b1: object
    sheet_a: object
    sheet_b: object
    item_a: object
    item_b: object
    planner: object
    head_a: object
    head_b: object
    chief_a: object
    chief_a2: object
    chief_b: object
    admin: object

    def persona(self, name: str):
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = ["anonymous", "planner", "head_a", "head_b", "chief_a", "chief_a2", "chief_b", "admin"]


def make_org() -> Org:
    fiscal_year = factories.FiscalYearFactory()
    dept_a = factories.DepartmentFactory(name="市民部", head_title="市民部長", display_order=1)
    dept_b = factories.DepartmentFactory(name="福祉部", head_title="福祉部長", display_order=2)
    section_a1 = factories.SectionFactory(department=dept_a, name="市民課", display_order=1)
    section_a2 = factories.SectionFactory(department=dept_a, name="経済課", display_order=2)
    section_b1 = factories.SectionFactory(department=dept_b, name="生活福祉課", display_order=1)
    year = fiscal_year.year

    def person(username, last_name, role, department=None, section=None, title=""):
        user = factories.UserFactory(username=username, last_name=last_name, first_name="太郎")
        if role:
            factories.RoleAssignmentFactory(
                user=user,
                fiscal_year=year,
                role=role,
                department=department,
                section=section,
                title=title,
            )
        return user

    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    sheet_a = factories.GoalSheetFactory(fiscal_year=fiscal_year, department=dept_a)
    sheet_b = factories.GoalSheetFactory(fiscal_year=fiscal_year, department=dept_b)
    return Org(
        fiscal_year=fiscal_year,
        dept_a=dept_a,
        dept_b=dept_b,
        section_a1=section_a1,
        section_a2=section_a2,
        section_b1=section_b1,
        sheet_a=sheet_a,
        sheet_b=sheet_b,
        item_a=factories.GoalItemFactory(sheet=sheet_a, position=0, sections=[section_a1]),
        item_b=factories.GoalItemFactory(sheet=sheet_b, position=0, sections=[section_b1]),
        planner=person("planner", "企画", Role.PLANNING, title="政策経営課長"),
        head_a=person("head_a", "市民", Role.DEPARTMENT_HEAD, dept_a, title="市民部長"),
        head_b=person("head_b", "福祉", Role.DEPARTMENT_HEAD, dept_b, title="福祉部長"),
        chief_a=person("chief_a", "市民課", Role.SECTION_CHIEF, dept_a, section_a1, "市民課長"),
        chief_a2=person("chief_a2", "経済課", Role.SECTION_CHIEF, dept_a, section_a2, "経済課長"),
        chief_b=person("chief_b", "生活", Role.SECTION_CHIEF, dept_b, section_b1, "生活福祉課長"),
        admin=admin,
    )


@pytest.fixture(autouse=True, scope="session")
def _private_media_root(tmp_path_factory):
    """Each test process (pytest-xdist worker) writes uploads, PDFs and the PDF cache in a
    directory of its own, never in the checkout's media/, where one worker's cache clean-up
    would delete another's files. Subprocesses the tests start inherit it."""
    media = tmp_path_factory.mktemp("media")
    os.environ["MEDIA_ROOT"] = str(media)
    with override_settings(MEDIA_ROOT=str(media)):
        yield media


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    """Uploads and cached PDF renderings stay inside the test (a print comes from the cache
    when its content was printed before: never from another test's)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _import_uploads_in_tmp(settings, tmp_path):
    """Workbooks kept between an import's preview and its confirmation go to the test's folder."""
    settings.IMPORT_UPLOAD_DIR = tmp_path / "import-uploads"


@pytest.fixture
def org(db) -> Org:
    return make_org()


@pytest.fixture
def client_for(client):
    """client_for(user) is a test client logged in as that user (None: anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
