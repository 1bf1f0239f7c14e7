"""Issue 16, found by reading: keyboard users keep their place after every swap, Escape cancels
an open row, and the 課 boxes cannot be used while 共通 is ticked."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_row(page, org):
    page.goto(f"{page.live_server_url}/sheets/{org.sheet_a.pk}/")
    page.locator(f"#item-{org.item_a.pk}").get_by_role("link", name="編集").click()
    form = page.locator(f"#item-{org.item_a.pk} form")
    expect(form).to_be_visible()
    page.wait_for_load_state("networkidle")
    return form


def test_escape_cancels_an_open_row_and_focus_returns_to_it(page, login, org):
    login("head_a")
    form = open_row(page, org)
    expect(form.get_by_label("実施項目（業務目標又は事務の内容）")).to_be_focused()
    form.get_by_label("実施項目（業務目標又は事務の内容）").press("Escape")
    row = page.locator(f"#item-{org.item_a.pk}")
    expect(row.locator("textarea")).to_have_count(0)  # back to the row as shown
    expect(row.get_by_role("link", name="編集")).to_be_focused()


def test_saving_returns_focus_to_the_row(page, login, org):
    login("head_a")
    form = open_row(page, org)
    form.get_by_label("実施項目（業務目標又は事務の内容）").fill("キーボードで直した")
    form.get_by_label("実施項目（業務目標又は事務の内容）").press("Control+Enter")
    form.get_by_role("button", name="保存").press("Enter")
    row = page.locator(f"#item-{org.item_a.pk}")
    expect(row).to_contain_text("キーボードで直した")
    expect(row.get_by_role("link", name="編集")).to_be_focused()


def test_the_section_boxes_are_disabled_while_common_is_ticked(page, login, org):
    login("head_a")
    form = open_row(page, org)
    section = form.get_by_label("市民課", exact=True)
    expect(section).to_be_enabled()
    form.get_by_label("共通（部全体で取り組む）").check()
    expect(section).to_be_disabled()
    form.get_by_label("共通（部全体で取り組む）").uncheck()
    expect(section).to_be_enabled()
