"""Bad input, everywhere text comes in: never a 500, never executed, never across departments.

Property-based (hypothesis) over the item form, the review form and the Excel import: overlong
text, control characters, HTML and script, formula-like text, impossible dates. Whatever is
typed is either refused with a message (nothing changes) or stored as text and shown escaped.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.fields import strip_control_characters
from excel import xlsx
from goals.models import FiscalYear, GoalItem, GoalSheet, SheetSigner
from goals.services import sheet_return, sheet_submit
from reviews.models import Review, Stage
from tests.excel.importing import plan_for
from tests.excel.workbooks import simple_workbook
from tests.goals.views.conftest import item_post_data

pytestmark = pytest.mark.django_db

NASTY = [
    "<script>alert('x')</script>",
    '<img src="file:///etc/passwd" onerror="alert(1)">',
    "url(http://example.com/x.css)",
    '=HYPERLINK("http://example.com")',
    "+1+1",
    "@SUM(A1)",
    "'; DROP TABLE goals_goalitem; --",
    "令和8年2月30日",
    "１３月",
    "\x00",
    "\x07ベル",
    "改行\r\nと\rタブ\t",
    "あ" * 1001,
    "い" * 4001,
    "\u202e逆向き",
    "🏛️ 絵文字",
]
TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=990, max_size=1010),
)
PROPERTY_SETTINGS = settings(
    max_examples=35,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_shown_escaped(content: str):
    assert "<script>alert" not in content
    assert '<img src="file:///etc/passwd"' not in content


@PROPERTY_SETTINGS
@given(title=TEXT, achievement=TEXT, method=TEXT, deadline=TEXT, target=TEXT)
def test_item_form_takes_anything_without_harm(
    org, client_for, title, achievement, method, deadline, target
):
    client = client_for(org.head_a)
    item = GoalItem.objects.get(pk=org.item_a.pk)
    url = reverse("goals:item_edit", args=[org.sheet_a.pk, item.pk])
    data = item_post_data(
        org,
        title=title,
        achievement=achievement,
        method=method,
        deadline=deadline,
        target=target,
        version=str(item.version),
    )
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 302, 422)
    assert_shown_escaped(response.content.decode())
    saved = GoalItem.objects.get(pk=item.pk)
    for value in (saved.title, saved.achievement, saved.method, saved.deadline, saved.target):
        assert value == strip_control_characters(value)
    assert len(saved.title) <= 1000 and len(saved.achievement) <= 4000
    page = client.get(reverse("goals:sheet_detail", args=[org.sheet_a.pk]))
    assert page.status_code == 200
    assert_shown_escaped(page.content.decode())


@PROPERTY_SETTINGS
@given(first_half=TEXT, second_half=TEXT, mark=st.one_of(st.sampled_from(["○", "◎"]), TEXT))
def test_review_form_takes_anything_without_harm(org, client_for, first_half, second_half, mark):
    FiscalYear.objects.filter(pk=org.fiscal_year.pk).update(phase="mid_year")
    client = client_for(org.chief_a)
    url = reverse("reviews:review_edit", args=[org.item_a.pk, Stage.MID_YEAR, org.section_a1.pk])
    review = Review.objects.filter(item=org.item_a, section=org.section_a1).first()
    data = {
        "version": str(review.version if review else 0),
        "progress_mark": mark,
        "first_half_status": first_half,
        "second_half_plan": second_half,
        "action": "draft",
    }
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 302, 409, 422)
    assert_shown_escaped(response.content.decode())
    review = Review.objects.filter(item=org.item_a, section=org.section_a1).first()
    if review is not None:
        assert review.first_half_status == strip_control_characters(review.first_half_status)
        assert len(review.first_half_status) <= 4000
        assert review.progress_mark is None or review.progress_mark.symbol in "◎○△×"


@PROPERTY_SETTINGS
@given(title=TEXT, bullets=TEXT, deadline=TEXT, number=st.one_of(st.integers(-5, 10**6), TEXT))
def test_excel_import_takes_anything_without_harm(org, title, bullets, deadline, number):
    def cell(value):  # what an .xlsx file can hold at all
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    row = [number, title, "", bullets, bullets, deadline, "市民課"]
    content = simple_workbook([[cell(value) for value in row]])
    try:
        plan = plan_for(content, org.fiscal_year.year, org.dept_a.name, replace=True)
    except xlsx.WorkbookError as error:
        assert str(error)  # a whole-file problem, told in Japanese
        return
    if not plan.ok:
        assert all(str(problem) for problem in plan.problems)
        return
    for item in plan.data.items:
        assert len(item.title) <= 1000
        assert item.title == strip_control_characters(item.title)


def test_another_departments_section_cannot_be_posted(org, client_for):
    """A forged section id from department B is refused; the item keeps its sections."""
    item = org.item_a
    url = reverse("goals:item_edit", args=[org.sheet_a.pk, item.pk])
    data = item_post_data(org, sections=[str(org.section_b1.pk)], version=str(item.version))
    response = client_for(org.head_a).post(url, data)
    assert response.status_code in (200, 422)
    assert [c.section for c in GoalItem.objects.get(pk=item.pk).carriers.all()] == [org.section_a1]


def test_another_departments_item_through_our_sheet_is_404(org, client_for):
    url = reverse("goals:item_edit", args=[org.sheet_a.pk, org.item_b.pk])
    assert client_for(org.head_a).post(url, item_post_data(org, version="1")).status_code == 404
    assert GoalItem.objects.get(pk=org.item_b.pk).title == org.item_b.title


def test_another_departments_review_cannot_be_confirmed(org, client_for):
    FiscalYear.objects.filter(pk=org.fiscal_year.pk).update(phase="mid_year")
    review = Review.objects.create(
        item=org.item_b, section=org.section_b1, stage=Stage.MID_YEAR, status="submitted"
    )
    url = reverse("reviews:review_confirm", args=[review.pk])
    assert client_for(org.head_a).post(url, {"version": review.version}).status_code == 404
    review.refresh_from_db()
    assert review.status == "submitted"


def test_forged_version_and_ids_do_not_crash(org, client_for):
    client = client_for(org.head_a)
    url = reverse("goals:item_edit", args=[org.sheet_a.pk, org.item_a.pk])
    for version in ["-1", "abc", "99999999999999999999", ""]:
        response = client.post(url, item_post_data(org, version=version))
        assert response.status_code in (200, 302, 409, 422)
    response = client.post(url, item_post_data(org, category="999999", version="1"))
    assert response.status_code in (200, 422)
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).created_on == datetime.date(
        org.fiscal_year.year, 4, 1
    )


def test_a_return_comment_is_validated_like_every_other_text(org):

    SheetSigner.objects.create(sheet=org.sheet_a, title="市民部長", name="市民 太郎")
    sheet = sheet_submit(sheet=org.sheet_a, version=org.sheet_a.version, user=org.head_a)
    for comment in ["見えない\x07文字", "あ" * 2001]:
        with pytest.raises(ValidationError) as error:
            sheet_return(sheet=sheet, comment=comment, version=sheet.version, user=org.planner)
        assert "comment" in error.value.message_dict
    assert GoalSheet.objects.get(pk=sheet.pk).status == "submitted"
