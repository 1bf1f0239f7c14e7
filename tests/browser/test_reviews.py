"""A section chief files, the head returns, the chief fixes and resubmits, the head confirms;
planning staff watch the counts move on the dashboard. Once for each stage."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from goals.models import FiscalYear
from reviews.models import Review, ReviewStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def named(action, stage_label, number):
    """A button's accessible name with its visually hidden context (Chromium adds a space)."""
    return re.compile(rf"{action}\s*（{stage_label} 番号{number}）")


def set_phase(org, phase):
    org.fiscal_year.phase = phase
    org.fiscal_year.mid_year_deadline = datetime.date(org.fiscal_year.year, 11, 30)
    org.fiscal_year.year_end_deadline = datetime.date(org.fiscal_year.year + 1, 4, 30)
    org.fiscal_year.save()


@pytest.fixture
def csp_errors(page):
    """Console messages the Content Security Policy would raise (inline styles, scripts)."""
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


def dashboard_tile(page, label):
    page.goto(f"{page.live_server_url}/reviews/dashboard/")
    return page.locator(".tile", has_text=label).locator(".tile__value").inner_text()


def chief_files(page, login, org, *, stage_label):
    login("chief_a")
    page.get_by_role("link", name="確認の記入").click()
    expect(
        page.get_by_role("heading", name=f"{org.fiscal_year.label} 中間確認・年度末確認")
    ).to_be_visible()
    page.get_by_role("link", name=named("記入する", stage_label, org.item_a.number)).click()
    expect(page.get_by_role("heading", name=f"番号{org.item_a.number}")).to_be_visible()


def head_opens_overview(page, login, org):
    login("head_a")
    page.get_by_role("link", name="確認の記入").click()
    expect(page.get_by_text("確認待ち 1件")).to_be_visible()
    page.get_by_role("link", name="部の確認一覧で確認・差し戻しする").click()
    expect(page.locator(".review-card")).to_have_count(1)


def head_returns(page, comment):
    page.locator("summary", has_text="差し戻す").click()
    page.get_by_label("差し戻しの理由（記入者に表示されます）").fill(comment)
    page.locator("button", has_text="差し戻す").click()
    expect(page.get_by_text("差し戻しました。記入者に理由が表示されます。")).to_be_visible()
    expect(page.locator(".review-card .badge--returned")).to_be_visible()


def head_confirms(page):
    page.locator("button", has_text="確認する").click()
    expect(page.get_by_text("確認しました。")).to_be_visible()
    expect(page.locator(".review-card .badge--confirmed")).to_be_visible()


def test_mid_year_review_filed_returned_fixed_and_confirmed(page, login, org, csp_errors):
    set_phase(org, FiscalYear.Phase.MID_YEAR)
    login("planner")
    assert dashboard_tile(page, "中間確認 提出") == "0 / 2"

    chief_files(page, login, org, stage_label="中間確認")
    page.locator("label.choice", has_text="予定どおり").click()
    page.get_by_label("上半期の状況や評価").fill("・事業者を5月に決定し、6月に契約しました。")
    page.get_by_role("button", name="下書き保存").click()
    expect(page.get_by_text("下書きを保存しました。")).to_be_visible()
    # Submitting without the second-half plan: refused in place, nothing typed is lost.
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("下半期の予定を入力してください。")).to_be_visible()
    expect(page.get_by_label("上半期の状況や評価")).to_have_value(
        "・事業者を5月に決定し、6月に契約しました。"
    )
    page.get_by_label("下半期の予定").fill("・1月に全面委託します。")
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("提出しました。部長の確認を待っています。")).to_be_visible()
    assert Review.objects.get().status == ReviewStatus.SUBMITTED

    head_opens_overview(page, login, org)
    expect(page.get_by_text("・事業者を5月に決定し、6月に契約しました。")).to_be_visible()
    head_returns(page, "下半期の予定に、待ち時間の目標も書いてください。")

    login("chief_a")
    page.get_by_role("link", name="確認の記入").click()
    page.get_by_role("link", name=named("直す", "中間確認", org.item_a.number)).click()
    expect(page.get_by_text("下半期の予定に、待ち時間の目標も書いてください。")).to_be_visible()
    page.get_by_label("下半期の予定").fill("・1月に全面委託し、待ち時間15分以内を目指します。")
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("提出しました。部長の確認を待っています。")).to_be_visible()

    head_opens_overview(page, login, org)
    head_confirms(page)

    login("planner")
    assert dashboard_tile(page, "中間確認 提出") == "1 / 2"
    row = page.locator(".dashboard-table tbody tr", has_text="市民部")
    expect(row.locator("td.num").nth(1)).to_have_text("1 / 1")  # confirmed / due
    expect(
        page.locator(".chart", has_text="中間確認の進捗状況").locator(
            "svg.chart__svg rect.chart-seg--mark1"
        )
    ).to_have_count(2)
    assert csp_errors == []


def test_year_end_review_filed_returned_fixed_and_confirmed(page, login, org, csp_errors):
    set_phase(org, FiscalYear.Phase.YEAR_END)
    org.item_a.target = "待ち時間15分以内"
    org.item_a.save()
    login("planner")
    assert dashboard_tile(page, "年度末確認 提出") == "0 / 2"

    chief_files(page, login, org, stage_label="年度末確認")
    expect(page.get_by_text("この項目の目標値")).to_be_visible()
    page.get_by_label("1年間の総括").fill("全面委託を完了しました。")
    page.locator("label.choice", has_text="ほぼ達成した").click()
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("目標値に対する実績値を入力してください")).to_be_visible()
    expect(page.get_by_label("1年間の総括")).to_have_value("全面委託を完了しました。")
    page.get_by_label("目標値に対する実績値").fill("平均18分")
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("提出しました。部長の確認を待っています。")).to_be_visible()

    head_opens_overview(page, login, org)
    head_returns(page, "評価の視点を書いてください。")

    login("chief_a")
    page.get_by_role("link", name="確認の記入").click()
    page.get_by_role("link", name=named("直す", "年度末確認", org.item_a.number)).click()
    page.get_by_label("評価の視点").fill("待ち時間は目標に届かなかったため。")
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("提出しました。部長の確認を待っています。")).to_be_visible()

    head_opens_overview(page, login, org)
    head_confirms(page)

    login("planner")
    assert dashboard_tile(page, "年度末確認 提出") == "1 / 2"
    chart = page.locator(".chart", has_text="年度末確認の達成状況")
    expect(chart.locator("svg.chart__svg rect.chart-seg--level1")).to_have_count(
        2
    )  # 市全体 and 市民部
    assert csp_errors == []


def test_planning_staff_move_the_phase_and_copy_the_reminder(page, login, org, csp_errors):
    set_phase(org, FiscalYear.Phase.PLANNING)
    login("planner")
    page.get_by_role("link", name="年度の設定").click()
    page.get_by_role("link", name=re.compile(rf"変更\s*（{org.fiscal_year.label}）")).click()
    page.get_by_label("段階", exact=True).select_option("mid_year")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("「中間確認」の段階にしました。")).to_be_visible()
    org.fiscal_year.refresh_from_db()
    assert org.fiscal_year.phase == "mid_year"

    page.goto(f"{page.live_server_url}/reviews/dashboard/unfiled/")
    text = page.locator("#reminder-text").input_value()
    assert "・市民課長 市民課 太郎 様（1件）" in text and "■福祉部（1件）" in text
    assert csp_errors == []
