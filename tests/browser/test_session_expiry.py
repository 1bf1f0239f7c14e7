"""Issue 16, point 4: the session expires while a head edits a row; the typed text survives.

The save answers 401, the page opens its in-page sign-in, and after signing in the same save
goes through with what was typed."""

import pytest
from playwright.sync_api import expect

from goals.models import GoalItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_save_after_the_session_expired_signs_in_and_keeps_the_text(page, login, org):
    login("head_a")
    page.goto(f"{page.live_server_url}/sheets/{org.sheet_a.pk}/")
    row = page.locator(f"#item-{org.item_a.pk}")
    row.get_by_role("link", name="編集").click()
    form = page.locator(f"#item-{org.item_a.pk} form")
    title = form.get_by_label("実施項目（業務目標又は事務の内容）")
    title.fill("期限切れの後も残る実施項目")

    page.context.clear_cookies(name="sessionid")  # the session has expired
    form.get_by_role("button", name="保存").click()

    dialog = page.locator("#session-dialog")
    expect(dialog).to_be_visible()
    expect(title).to_have_value("期限切れの後も残る実施項目")  # still there behind the dialog
    dialog.get_by_label("ユーザー名").fill("head_a")
    dialog.get_by_label("パスワード").fill("wrong")
    dialog.get_by_role("button", name="ログインして保存する").click()
    expect(dialog.locator(".form-errors")).to_be_visible()  # the usual Japanese refusal

    dialog.get_by_label("パスワード").fill("pass")
    dialog.get_by_role("button", name="ログインして保存する").click()

    expect(dialog).to_be_hidden()
    expect(page.locator(f"#item-{org.item_a.pk}")).to_contain_text("期限切れの後も残る実施項目")
    assert GoalItem.objects.get(pk=org.item_a.pk).title == "期限切れの後も残る実施項目"
