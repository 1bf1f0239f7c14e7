"""Fixtures for the PDF tests: the demo sheets (fixtures/), a private MEDIA_ROOT, sheets built
to show merged cells."""

import datetime

import pytest

from demo.loaders import load_demo
from goals.models import GoalSheet
from goals.services import ItemData, SheetData, SignerData, sheet_import
from printing import pdf
from tests import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Renderings are cached under MEDIA_ROOT: each test gets its own. Parts are rendered in
    this process unless a test asks for worker processes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_RENDER_PROCESSES = 1
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(db):
    """The demo data (the published sheets in fixtures/), sheets by (year, department)."""
    load_demo(create_users=False)
    return {
        (sheet.fiscal_year.year, sheet.department.name): sheet
        for sheet in GoalSheet.objects.select_related("fiscal_year", "department")
    }


@pytest.fixture
def fresh_renderer():
    """A renderer made for this test, so that what its fetcher is asked for can be checked."""
    pdf.renderer._local.renderer = None
    yield pdf.thread_renderer
    pdf.renderer._local.renderer = None


@pytest.fixture
def merged_sheet(org):
    """A sheet with a 番号 group (77: three items), a continued 実施項目 and 達成水準."""
    factories.CategoryFactory(name="総合ビジョン")
    factories.CategoryFactory(name="施政方針")
    department = factories.DepartmentFactory(name="合同部", head_title="合同部長", display_order=9)
    for order, name in enumerate(("第一課", "第二課", "協働コミュニティ課")):
        factories.SectionFactory(department=department, name=name, display_order=order)
    data = SheetData(
        created_on=datetime.date(org.fiscal_year.year, 4, 1),
        revisions=[datetime.date(org.fiscal_year.year, 7, 25)],
        signers=[SignerData("合同部長", "山田 一郎"), SignerData("担当部長", "鈴木 花子")],
        items=[
            ItemData(
                number=77,
                title="まとめて進める第一の取組",
                category="総合ビジョン",
                achievement=["第一の達成水準"],
                method=["第一の方法"],
                deadline="12月",
                sections=["第一課"],
            ),
            ItemData(
                number=77,
                title="まとめて進める第二の取組",
                category="施政方針",
                achievement=["第二の達成水準"],
                method=["第二の方法"],
                deadline="年度末",
                sections=["第二課", "協働コミュニティ課"],
            ),
            ItemData(
                number=77,
                continues_title=True,
                continues_achievement=True,
                category="施政方針",
                method=["第二の取組を別の課で進める方法"],
                deadline="令和8年12月25日",
                sections=["協働コミュニティ課"],
            ),
            ItemData(
                number=78,
                title="ひとりで進める取組",
                category="総合ビジョン",
                achievement=["文章で書いた達成水準の一文目。", "二文目。"],
                achievement_as_prose=True,
                method=["方法"],
                deadline="１２月",
                common=True,
            ),
        ],
    )
    return sheet_import(fiscal_year=org.fiscal_year, department=department, data=data)
