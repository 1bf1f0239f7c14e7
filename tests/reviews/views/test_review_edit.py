import pytest

from reviews.models import Review, ReviewStatus, Stage
from tests import factories
from tests.reviews.conftest import HTMX, edit_url, make_review, mark, set_phase

pytestmark = pytest.mark.django_db


def form_data(org, **overrides):
    data = {
        "version": "0",
        "progress_mark": str(mark(org, "○").pk),
        "first_half_status": "・事業者を5月に決定しました。",
        "second_half_plan": "・1月に全面委託します。",
        "action": "save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def url(mid_year):
    return edit_url(mid_year.item_a, Stage.MID_YEAR, mid_year.section_a1)


def test_chief_gets_the_form_with_the_scale_and_its_meanings(mid_year, client_for, url):
    response = client_for(mid_year.chief_a).get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "上半期の状況や評価" in page and "下半期の予定" in page and "提出する" in page
    assert "◎　予定より進んでいる" in page and "×　停滞" in page


def test_save_draft_then_submit(mid_year, client_for, url):
    client = client_for(mid_year.chief_a)
    response = client.post(url, form_data(mid_year))
    assert response.status_code == 302 and response["Location"] == url
    review = Review.objects.get()
    assert review.status == ReviewStatus.DRAFT and review.first_half_status.startswith("・事業者")
    response = client.post(url, form_data(mid_year, version="1", action="submit"), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "提出しました" in page and "提出済み" in page
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_failed_submit_keeps_every_word_and_says_why_in_japanese(mid_year, client_for, url):
    data = form_data(mid_year, progress_mark="", second_half_plan="", action="submit")
    data["first_half_status"] = "・ここまで書いた長い文章" * 20
    response = client_for(mid_year.chief_a).post(url, data, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "進捗状況を選んでください。" in page and "下半期の予定を入力してください。" in page
    assert "・ここまで書いた長い文章" * 20 in page
    assert not Review.objects.exists()


def test_a_mark_of_another_scale_is_refused(mid_year, client_for, url):
    other = factories.ProgressScaleFactory(name="別の尺度")
    data = form_data(mid_year, progress_mark=str(other.marks.first().pk))
    page = client_for(mid_year.chief_a).post(url, data, **HTMX).content.decode()
    assert "正しく選択してください" in page and not Review.objects.exists()


def test_newer_version_is_refused_showing_what_changed_and_keeping_the_text(
    mid_year, client_for, url
):
    make_review(mid_year.item_a, mid_year.section_a1, second_half_plan="・別のタブで保存した予定")
    data = form_data(mid_year, second_half_plan="・私の書いた予定")
    page = client_for(mid_year.chief_a).post(url, data, **HTMX).content.decode()
    assert "保存しています" in page and "・別のタブで保存した予定" in page
    assert "・私の書いた予定" in page
    assert 'name="version" value="1"' in page  # a second save now overwrites knowingly
    assert Review.objects.get().second_half_plan == "・別のタブで保存した予定"


def test_filing_outside_the_phase_is_refused_with_a_clear_message(mid_year, client_for, url):
    client = client_for(mid_year.chief_a)
    client.get(url)  # the form was opened during the phase ...
    set_phase(mid_year, "year_end")  # ... and the phase moved on before saving
    page = client.post(url, form_data(mid_year), **HTMX).content.decode()
    assert "中間確認の受付は終了しました" in page
    assert "・事業者を5月に決定しました。" in page  # what was typed is still there
    assert not Review.objects.exists()
    page = client.get(url).content.decode()
    assert "受付は終了しました" in page and "提出する" not in page


def test_before_the_phase_the_page_says_so(org, client_for):
    page = client_for(org.chief_a).get(edit_url(org.item_a, Stage.MID_YEAR, org.section_a1))
    assert "受付はまだ始まっていません" in page.content.decode()


@pytest.mark.parametrize("persona", ["chief_a2", "chief_b", "head_b"])
def test_another_section_or_department_gets_404(mid_year, client_for, url, persona):
    client = client_for(mid_year.persona(persona))
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(mid_year)).status_code == 404


@pytest.mark.parametrize("persona", ["planner", "head_a"])
def test_readers_see_it_and_get_403_on_writing(mid_year, client_for, url, persona):
    make_review(mid_year.item_a, mid_year.section_a1, status=ReviewStatus.SUBMITTED)
    client = client_for(mid_year.persona(persona))
    response = client.get(url)
    assert response.status_code == 200 and "提出する" not in response.content.decode()
    assert "上半期は予定どおり進みました。" in response.content.decode()
    assert client.post(url, form_data(mid_year)).status_code == 403


def test_a_section_that_does_not_carry_the_item_is_404(mid_year, client_for):
    url = edit_url(mid_year.item_a, Stage.MID_YEAR, mid_year.section_a2)
    assert client_for(mid_year.chief_a2).get(url).status_code == 404
    url = edit_url(mid_year.item_a, Stage.MID_YEAR)  # a department review of a non-共通 item
    assert client_for(mid_year.head_a).get(url).status_code == 404


def test_head_files_a_common_item(mid_year, client_for):
    common = factories.GoalItemFactory(sheet=mid_year.sheet_a, position=1, is_common=True)
    url = edit_url(common, Stage.MID_YEAR)
    assert client_for(mid_year.chief_a).get(url).status_code == 404
    response = client_for(mid_year.head_a).post(url, form_data(mid_year, action="submit"))
    assert response.status_code == 302
    assert Review.objects.get(item=common, section=None).status == ReviewStatus.SUBMITTED


def test_year_end_form_shows_the_target_and_the_mid_year_text(year_end, client_for):
    org = year_end
    org.item_a.target = "待ち時間15分以内"
    org.item_a.save()
    make_review(
        org.item_a, org.section_a1, status=ReviewStatus.CONFIRMED, first_half_status="上期の記録"
    )
    page = client_for(org.chief_a).get(edit_url(org.item_a, Stage.YEAR_END, org.section_a1))
    page = page.content.decode()
    assert "この項目の目標値" in page and "待ち時間15分以内" in page
    assert "上期の記録" in page and "1年間の総括" in page and "ほぼ達成した" in page


def test_wrong_method(mid_year, client_for, url):
    assert client_for(mid_year.chief_a).put(url).status_code == 405


def test_unknown_stage_is_404(mid_year, client_for):
    url = f"/reviews/items/{mid_year.item_a.pk}/halfway/sections/{mid_year.section_a1.pk}/"
    assert client_for(mid_year.chief_a).get(url).status_code == 404


def test_htmx_gets_the_partial(mid_year, client_for, url):
    page = client_for(mid_year.chief_a).get(url, **HTMX).content.decode()
    assert "<html" not in page and 'id="review-panel"' in page


def test_full_page_otherwise(mid_year, client_for, url):
    page = client_for(mid_year.chief_a).get(url).content.decode()
    assert "<html" in page and "整理表の内容" in page
