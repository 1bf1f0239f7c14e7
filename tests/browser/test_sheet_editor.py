"""The department head writes the sheet in the browser, planning staff return and accept it.

One story, as it happens in April: the 市民部 head adds an item (bullets, two sections), edits
it in place, meets a validation error, reorders, deletes, submits; planning staff return it
with a comment; the head reads the comment and resubmits; planning staff accept; the head
revises, and the re-accepted sheet carries a revision date.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.wareki import wareki_date
from goals.models import GoalItem, GoalSheet, SheetStatus
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dialogs(page):
    """Every dialog (confirm, beforeunload) is accepted and its kind recorded."""
    seen = []

    def accept(dialog):
        seen.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    return seen


def item_row(page, title):
    return page.locator("#sheet-items tr.item-row", has_text=title)


def test_write_submit_return_resubmit_accept_revise(page, login, org, dialogs):
    factories.SheetSignerFactory(sheet=org.sheet_a, title="市民部長", name="市民 太郎")
    sheet_url = f"{page.live_server_url}/sheets/{org.sheet_a.pk}/"
    first_title = org.item_a.title

    # The head adds an item with bullets and two sections, in place.
    login("head_a")
    page.goto(sheet_url)
    page.get_by_role("link", name="＋ 項目を追加").click()
    form = page.locator("#item-new-end")
    expect(form).to_be_visible()
    form.get_by_label("実施項目（業務目標又は事務の内容）").fill("窓口の待ち時間の短縮")
    form.get_by_label("どの水準まで（達成水準又は遂行後の状態等）").fill(
        "・待ち時間が平均10分以内になっている。\n-予約制が定着している。"
    )
    form.get_by_label("どのような方法で（目標等を達成するための取組の内容等）").fill(
        "窓口予約システムの導入\n混雑状況の発信"
    )
    form.get_by_label("いつまで（期限）").fill("１２月")
    form.get_by_label("市民課", exact=True).check()
    form.get_by_label("経済課", exact=True).check()
    form.get_by_role("button", name="保存").click()

    new_row = item_row(page, "窓口の待ち時間の短縮")
    expect(new_row).to_be_visible()
    expect(page.locator("#item-new-end")).to_have_count(0)
    expect(new_row.locator("td.col-achievement li")).to_have_text(
        ["待ち時間が平均10分以内になっている。", "予約制が定着している。"]
    )
    expect(new_row.locator("td.col-carriers div")).to_have_text(["市民課", "経済課"])
    expect(new_row.locator("td.col-deadline")).to_have_text("12月")
    expect(new_row.locator("td.col-number")).to_have_text("2")
    assert page.url == sheet_url  # in place: the page was never left

    # Edit it in place.
    page.get_by_role("link", name="番号2の項目を編集").click()
    editing = page.locator("tr.item-row--editing")
    editing.get_by_label("実施項目（業務目標又は事務の内容）").fill("窓口の待ち時間の大幅な短縮")
    editing.get_by_role("button", name="保存").click()
    expect(item_row(page, "窓口の待ち時間の大幅な短縮")).to_be_visible()
    expect(page.locator("tr.item-row--editing")).to_have_count(0)
    assert page.url == sheet_url

    # A validation error shows in the row, in Japanese, and the typed text stays.
    page.get_by_role("link", name="番号2の項目を編集").click()
    editing = page.locator("tr.item-row--editing")
    editing.get_by_label("実施項目（業務目標又は事務の内容）").fill("")
    editing.get_by_label("いつまで（期限）").fill("13月")
    editing.get_by_label("どのような方法で（目標等を達成するための取組の内容等）").fill(
        "窓口予約システムの導入\n混雑状況の発信\n職員の応援体制"
    )
    editing.get_by_role("button", name="保存").click()
    editing = page.locator("tr.item-row--editing")
    expect(editing.get_by_text("実施項目を入力してください。")).to_be_visible()
    expect(
        editing.get_by_text("「13月」の月が正しくありません。1月から12月で入力してください。")
    ).to_be_visible()
    expect(
        editing.get_by_label("どのような方法で（目標等を達成するための取組の内容等）")
    ).to_have_value("窓口予約システムの導入\n混雑状況の発信\n職員の応援体制")

    # Leaving with the row open and changed warns.
    editing.get_by_label("実施項目（業務目標又は事務の内容）").press_sequentially("窓口")
    page.get_by_role("link", name="ホーム").first.click()
    page.wait_for_url(f"{page.live_server_url}/")
    assert "beforeunload" in dialogs
    page.goto(sheet_url)

    # Fix it; then move it to the top: a numbered sheet stays numbered 1, 2.
    page.get_by_role("link", name="番号2の項目を編集").click()
    editing = page.locator("tr.item-row--editing")
    editing.get_by_label("いつまで（期限）").fill("年度末")
    editing.get_by_role("button", name="保存").click()
    expect(page.locator("tr.item-row--editing")).to_have_count(0)
    page.get_by_role("button", name="番号2の項目を上へ移動").click()
    expect(page.locator("#sheet-items tr.item-row").first).to_contain_text(
        "窓口の待ち時間の大幅な短縮"
    )
    expect(page.locator("#sheet-items td.col-number")).to_have_text(["1", "2"])

    # Delete the other item, after confirming in its row.
    page.get_by_role("link", name="番号2の項目を削除").click()
    confirm = page.locator("tr.item-row--confirm")
    expect(confirm).to_contain_text("削除しますか")
    confirm.get_by_role("button", name="削除する").click()
    expect(item_row(page, first_title)).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("番号2の項目を削除しました。")
    assert list(GoalItem.objects.filter(sheet=org.sheet_a).values_list("title", flat=True)) == [
        "窓口の待ち時間の大幅な短縮"
    ]

    # Submit.
    page.get_by_role("button", name="提出する").click()
    expect(page.locator("#messages")).to_contain_text("提出しました。")
    expect(page.locator(".sheet-head .badge--submitted")).to_have_text("提出済み")
    expect(page.get_by_role("link", name="番号1の項目を編集")).to_have_count(0)

    # Planning staff return it with a comment.
    login("planner")
    page.goto(sheet_url)
    page.get_by_role("link", name="差し戻す").click()
    page.get_by_label("差し戻しの理由").fill("期限を「年度末」ではなく月で書いてください。")
    page.get_by_role("button", name="差し戻す").click()
    expect(page.locator("#messages")).to_contain_text("差し戻しました")
    expect(page.locator(".sheet-head .badge--returned")).to_have_text("差し戻し")

    # The head sees the comment, edits, resubmits.
    login("head_a")
    page.goto(sheet_url)
    expect(page.locator(".notice--returned")).to_contain_text(
        "期限を「年度末」ではなく月で書いてください。"
    )
    page.get_by_role("link", name="番号1の項目を編集").click()
    page.locator("tr.item-row--editing").get_by_label("いつまで（期限）").fill("3月")
    page.locator("tr.item-row--editing").get_by_role("button", name="保存").click()
    expect(page.locator("#sheet-items td.col-deadline")).to_have_text(["3月"])
    page.get_by_role("button", name="提出する").click()
    expect(page.locator(".sheet-head .badge--submitted")).to_have_text("提出済み")

    # Planning staff accept it from their list.
    login("planner")
    page.goto(f"{page.live_server_url}/")
    row = page.locator("#planning-overview tr", has_text="市民部")
    row.get_by_role("button", name="承認").click()
    expect(page.locator("#messages")).to_contain_text("承認しました")
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).status == SheetStatus.ACCEPTED

    # The head revises; the accepted version stays viewable; re-acceptance adds the date.
    login("head_a")
    page.goto(sheet_url)
    page.get_by_role("button", name="見直し（内容を変更する）").click()
    expect(page.locator(".sheet-head .badge--draft")).to_have_text("作成中")
    expect(page.locator(".notice--draft")).to_contain_text("見直し中です")
    page.get_by_role("button", name="提出する").click()
    login("planner")
    page.goto(sheet_url)
    page.get_by_role("button", name="承認する").click()
    today = wareki_date(timezone.localdate())
    expect(page.locator("#sheet-dates")).to_contain_text(f"{today}見直し")
    page.get_by_role("link", name="第1版", exact=False).first.click()
    expect(page.locator("h1")).to_contain_text("組織目標展開整理表")
    expect(page.locator(".notice--snapshot")).to_contain_text("承認された内容です")
