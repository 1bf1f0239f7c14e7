"""やること on the home page, for each role: the lines, the count in the navigation, and each
line's link opening the page where it is done."""

import datetime

import pytest
from playwright.sync_api import expect

from goals.models import FiscalYear, SheetStatus
from reviews.models import ReviewStatus
from tests.reviews.conftest import make_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def todo(page):
    return page.locator("#todo")


def test_a_head_is_sent_to_correct_the_returned_sheet(page, login, org):
    org.sheet_a.status = SheetStatus.RETURNED
    org.sheet_a.return_comment = "番号1の期限を書いてください。"
    org.sheet_a.save()
    login("head_a")
    expect(todo(page).get_by_text("番号1の期限を書いてください。")).to_be_visible()
    expect(page.locator(".site-nav .nav-count")).to_have_text("1")
    todo(page).get_by_role(
        "link", name="差し戻された市民部の整理表を直して、再提出してください"
    ).click()
    expect(page).to_have_url(f"{page.live_server_url}/sheets/{org.sheet_a.pk}/")


def test_a_chief_is_sent_to_the_review_to_file(page, login, org):
    org.fiscal_year.phase = FiscalYear.Phase.MID_YEAR
    org.fiscal_year.mid_year_deadline = datetime.date(org.fiscal_year.year - 1, 10, 31)
    org.fiscal_year.save()
    make_review(org.item_a, org.section_a1, status=ReviewStatus.RETURNED, return_comment="数字を。")
    login("chief_a")
    line = todo(page).locator(".todo__line").first
    expect(line).to_contain_text("差し戻し")
    expect(line).to_contain_text("数字を。")
    expect(line).to_contain_text("期限切れ")
    line.get_by_role("link").click()
    expect(page).to_have_url(
        f"{page.live_server_url}/reviews/items/{org.item_a.pk}/mid_year/sections/{org.section_a1.pk}/"
    )


def test_planning_staff_are_sent_to_the_sheet_waiting_for_acceptance(page, login, org):
    org.sheet_b.status = SheetStatus.SUBMITTED
    org.sheet_b.save()
    login("planner")
    expect(todo(page).get_by_role("heading", name="承認を待っている整理表")).to_be_visible()
    todo(page).get_by_role(
        "link", name="福祉部の整理表が提出されています。承認または差し戻しをしてください"
    ).click()
    expect(page).to_have_url(f"{page.live_server_url}/sheets/{org.sheet_b.pk}/")


def test_nothing_waiting_says_so(page, login, org):
    org.sheet_a.status = SheetStatus.ACCEPTED
    org.sheet_a.save()
    login("chief_a2")
    expect(todo(page)).to_contain_text("いま、あなたを待っているものはありません。")
    expect(page.locator(".site-nav .nav-count")).to_have_count(0)
