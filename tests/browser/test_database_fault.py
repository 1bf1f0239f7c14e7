"""The database connection lost while a chief saves a review (htmx): a Japanese message above
the form, every word still in it, and the next save goes through. (tests/test_faults.py checks
that nothing was written.)"""

import pytest
from django.db import OperationalError
from django.urls import reverse
from playwright.sync_api import expect

from goals.models import FiscalYear
from reviews.models import Review, Stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_save_that_loses_the_database_keeps_the_text_and_says_so(page, login, org, monkeypatch):
    org.fiscal_year.phase = FiscalYear.Phase.MID_YEAR
    org.fiscal_year.save(update_fields=["phase"])
    login("chief_a")
    url = reverse("reviews:review_edit", args=[org.item_a.pk, Stage.MID_YEAR, org.section_a1.pk])
    page.goto(f"{page.live_server_url}{url}")
    typed = "・事業者を5月に決定し、6月に契約しました。\n・9月から窓口交付の委託を始めました。"
    page.get_by_label("上半期の状況や評価").fill(typed)

    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    # The live server runs in this process: its review service loses the connection after
    # writing the review, before the history.
    monkeypatch.setattr("reviews.services.filing.changelog_record", connection_lost)
    page.get_by_role("button", name="下書き保存").click()

    expect(page.locator("#messages")).to_contain_text("データベースに接続できなかったため")
    expect(page.get_by_label("上半期の状況や評価")).to_have_value(typed)
    assert not Review.objects.exists()

    monkeypatch.undo()
    page.get_by_role("button", name="下書き保存").click()
    expect(page.get_by_text("下書きを保存しました。")).to_be_visible()
    assert Review.objects.get().first_half_status == typed
