import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import GoalItem
from reviews.models import ReviewStatus, Stage
from tests import factories
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


def test_the_head_sees_the_sheet_laid_out_like_the_print(org, as_persona, signed):
    continued = factories.GoalItemFactory(
        sheet=org.sheet_a,
        position=1,
        number=1,
        title="",
        continues_title=True,
        achievement="",
        continues_achievement=True,
        method="別の方法",
        is_common=True,
    )
    response = as_persona("head_a").get(goals_url("sheet_detail", org.sheet_a.pk))
    assert response.status_code == 200
    content = text(response)
    assert org.sheet_a.title in content
    assert "市民部長" in content and "市民 太郎" in content
    # the grouped 番号 and the continued cells are joined to the row above
    assert f'id="item-{continued.pk}-number" class="col-number cell--joined"' in content
    assert "（上の行と同じ実施項目）" in content and "（上の行と同じ達成水準）" in content
    assert "<li>達成水準の一つ目</li>" in content
    assert "共通" in content
    # the head may edit: the row actions and the item form's suggestions are there
    assert goals_url("item_edit", org.sheet_a.pk, org.item_a.pk) in content
    assert 'id="deadline-suggestions"' in content
    assert "data-unsaved-warning" not in content  # no form is open yet
    assert "提出する" in content


def test_a_section_chief_reads_without_edit_controls(org, as_persona):
    response = as_persona("chief_a").get(goals_url("sheet_detail", org.sheet_a.pk))
    assert response.status_code == 200
    assert goals_url("item_edit", org.sheet_a.pk, org.item_a.pk) not in text(response)
    assert "提出する" not in text(response)


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").post(goals_url("sheet_detail", org.sheet_a.pk)).status_code == 405


def test_htmx_gets_the_items_table_body(org, as_persona):
    response = as_persona("head_a").get(goals_url("sheet_detail", org.sheet_a.pk), **HTMX)
    assert response.status_code == 200 and not is_full_page(response)
    assert text(response).lstrip().startswith('<tbody id="sheet-items">')


def test_full_page_otherwise(org, as_persona):
    assert is_full_page(as_persona("head_a").get(goals_url("sheet_detail", org.sheet_a.pk)))


def test_the_page_costs_the_same_for_5_and_50_items(org, as_persona, signed):
    client = as_persona("head_a")
    url = goals_url("sheet_detail", org.sheet_a.pk)

    def fill(count):
        GoalItem.objects.filter(sheet=org.sheet_a).delete()
        for position in range(count):
            factories.GoalItemFactory(
                sheet=org.sheet_a,
                position=position,
                number=position // 2 + 1,
                sections=[org.section_a1, org.section_a2],
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert text(response).count('class="item-row"') == count
        return len(queries)

    assert fill(5) == fill(50)


def test_a_closed_years_sheet_shows_the_achievement_column(org, as_persona, accepted):

    level = org.fiscal_year.achievement_scale.levels.get(label="ほぼ達成した")
    factories.ReviewFactory(
        item=org.item_a,
        section=org.section_a1,
        stage=Stage.YEAR_END,
        status=ReviewStatus.CONFIRMED,
        achievement_level=level,
    )
    content = text(as_persona("chief_a").get(goals_url("sheet_detail", org.sheet_a.pk)))
    assert "達成状況" in content and "ほぼ達成した" in content


def test_every_sections_filed_review_shows_beside_the_item(org, as_persona, accepted):

    shared = factories.GoalItemFactory(
        sheet=org.sheet_a, position=1, sections=[org.section_a1, org.section_a2]
    )
    marks = org.fiscal_year.progress_scale.marks
    for section, symbol in [(org.section_a1, "○"), (org.section_a2, "△")]:
        factories.ReviewFactory(
            item=shared,
            section=section,
            stage=Stage.MID_YEAR,
            status=ReviewStatus.SUBMITTED,
            progress_mark=marks.get(symbol=symbol),
        )
    url = goals_url("sheet_detail", org.sheet_a.pk)
    head = text(as_persona("head_a").get(url))
    assert "中間 市民課 ○" in head and "中間 経済課 △" in head
    chief = text(as_persona("chief_a2").get(url))  # 経済課's chief: not 市民課's review
    assert "中間 経済課 △" in chief and "中間 市民課 ○" not in chief


def test_an_accepted_sheet_with_reviews_costs_the_same_for_5_and_50_items(
    org, as_persona, accepted
):

    client = as_persona("head_a")
    url = goals_url("sheet_detail", org.sheet_a.pk)
    mark = org.fiscal_year.progress_scale.marks.first()

    def fill(count):
        GoalItem.objects.filter(sheet=org.sheet_a).delete()
        for position in range(count):
            item = factories.GoalItemFactory(
                sheet=org.sheet_a, position=position, sections=[org.section_a1, org.section_a2]
            )
            for section in (org.section_a1, org.section_a2):
                factories.ReviewFactory(
                    item=item,
                    section=section,
                    stage=Stage.MID_YEAR,
                    status=ReviewStatus.SUBMITTED,
                    progress_mark=mark,
                )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert text(response).count('class="review-chip review-chip--') == 2 * count
        return len(queries)

    assert fill(5) == fill(50)


def test_the_downloads_menu_offers_what_the_user_may_have(org, as_persona):

    url = goals_url("sheet_detail", org.sheet_a.pk)
    pdf = reverse("print:sheet_pdf", args=[org.sheet_a.pk]) + "?kind=plan"
    xlsx = reverse("excel:sheet_xlsx", args=[org.sheet_a.pk]) + "?kind=plan"
    upload = reverse("excel:import_upload") + f"?sheet={org.sheet_a.pk}"
    head = text(as_persona("head_a").get(url))
    assert pdf in head and xlsx in head and upload in head
    chief = text(as_persona("chief_a").get(url))
    assert pdf in chief and xlsx in chief and upload not in chief
