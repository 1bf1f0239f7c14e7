"""The Excel import in a real browser: upload, see the problems, fix the file, confirm."""

import pytest

from goals.models import GoalSheet
from tests import factories
from tests.excel.test_mapping import other_words_workbook
from tests.excel.workbooks import simple_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rows(section_of_second: str) -> list[list]:
    return [
        [
            "1",
            "窓口の待ち時間の短縮",
            "施政方針",
            "・待ち時間が半分",
            "・受付の見直し",
            "12月",
            "市民課",
        ],
        [
            "2",
            "商店街の活性化",
            "その他",
            "・空き店舗が減る",
            "・補助制度の周知",
            "3月",
            section_of_second,
        ],
    ]


@pytest.fixture
def files(org, tmp_path):
    for name in ("施政方針", "その他"):
        factories.CategoryFactory(name=name)
    bad = tmp_path / "整理表（直す前）.xlsx"
    bad.write_bytes(simple_workbook(rows("未来創造課")))
    good = tmp_path / "整理表.xlsx"
    good.write_bytes(simple_workbook(rows("経済課")))
    return bad, good


def test_upload_preview_problem_fix_and_confirm(page, login, org, files):
    bad, good = files
    login("head_a")
    page.get_by_role("link", name="Excel 読み込み").click()
    assert page.get_by_role("heading", name="Excel から整理表を読み込む").is_visible()
    assert page.get_by_label("部", exact=True).input_value() == str(org.dept_a.pk)

    page.get_by_label("Excel ファイル").set_input_files(str(bad))
    page.get_by_role("button", name="読み込む内容を確認する").click()
    problems = page.locator(".import-problems")
    problems.wait_for()
    assert "6行目 G列（共通/課名）" in problems.inner_text()
    assert "課「未来創造課」は市民部に登録されていません。" in problems.inner_text()
    assert page.get_by_role("button", name="既存の整理表を置き換えて読み込む").count() == 0
    assert page.url.endswith("/excel/import/")  # swapped in by htmx, no page load
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).items.count() == 1

    page.get_by_label("Excel ファイル").set_input_files(str(good))
    page.get_by_role("button", name="読み込む内容を確認する").click()
    confirm = page.get_by_role("button", name="既存の整理表を置き換えて読み込む")
    confirm.wait_for()
    assert page.locator(".import-problems").count() == 0
    assert page.get_by_text("令和8年度の市民部の整理表は既にあります").is_visible()
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).items.count() == 1  # still nothing written

    confirm.click()
    page.wait_for_url("**/sheets/*/")
    assert page.get_by_text(
        "令和8年度 市民部の整理表を読み込みました（実施項目 2件）。"
    ).is_visible()
    assert page.get_by_role("cell", name="商店街の活性化").is_visible()
    titles = GoalSheet.objects.get(pk=org.sheet_a.pk).items.values_list("title", flat=True)
    assert list(titles) == ["窓口の待ち時間の短縮", "商店街の活性化"]


def test_the_same_flow_works_without_javascript(browser, live_server, org, files):
    _, good = files
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("ユーザー名").fill("planner")
        page.get_by_label("パスワード").fill("pass")
        page.get_by_role("button", name="ログイン").click()
        page.goto(f"{live_server.url}/excel/import/")
        page.get_by_label("部", exact=True).select_option(label="市民部")
        page.get_by_label("Excel ファイル").set_input_files(str(good))
        page.get_by_role("button", name="読み込む内容を確認する").click()
        page.wait_for_url("**/excel/import/preview/")
        page.get_by_role("button", name="既存の整理表を置き換えて読み込む").click()
        page.wait_for_url("**/sheets/*/")
        assert page.get_by_text("の整理表を読み込みました").is_visible()
    finally:
        context.close()


def test_change_a_columns_field_read_again_and_confirm(page, login, org, tmp_path):
    factories.CategoryFactory(name="その他")
    path = tmp_path / "別の見出しの整理表.xlsx"
    path.write_bytes(other_words_workbook())
    login("head_a")
    page.goto(f"{page.live_server_url}/excel/import/")
    page.get_by_label("Excel ファイル").set_input_files(str(path))
    page.get_by_role("button", name="読み込む内容を確認する").click()
    mapping = page.get_by_label("H列の読み込み先")
    mapping.wait_for()
    assert mapping.input_value() == ""  # 課題: not read unless chosen
    assert "H5" in page.locator(".import-unread").inner_text()

    mapping.select_option(label="指標")
    page.get_by_role("button", name="この対応で読み直す").click()
    page.locator(".import-mapping-table tr", has_text="課題").get_by_text("指定").wait_for()
    assert page.get_by_label("H列の読み込み先").input_value() == "indicator"
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).items.count() == 1  # nothing written yet

    page.get_by_role("button", name="既存の整理表を置き換えて読み込む").click()
    page.wait_for_url("**/sheets/*/")
    item = GoalSheet.objects.get(pk=org.sheet_a.pk).items.get()
    assert (item.title, item.indicator, item.method) == (
        "窓口の改善",
        "人手が足りない",
        "受付の見直し",
    )
