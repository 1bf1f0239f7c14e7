"""The print menu in a browser: year tabs (htmx), the whole city's PDF started and followed."""

import pytest
from playwright.sync_api import expect

from goals.models import CityPdfJob, GoalSheet, SheetStatus
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def print_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_RENDER_PROCESSES = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_year_tabs_swap_the_menu_in_place(page, login, org):
    older = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)
    login("planner")
    page.get_by_role("link", name="印刷").click()
    expect(
        page.get_by_role("heading", name=f"{org.fiscal_year.label}　部ごとの印刷")
    ).to_be_visible()
    page.evaluate("window.notReloaded = true")

    page.get_by_role("link", name=older.label).click()

    expect(page.get_by_role("heading", name=f"{older.label}　部ごとの印刷")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True  # swapped by htmx, not reloaded
    assert page.url.endswith(f"/print/?year={older.year}")
    expect(page.get_by_text(f"{older.label}の整理表はまだありません。")).to_be_visible()


def test_start_the_whole_city_and_download_it(page, login, org):
    # The whole-city bundle prints accepted sheets.
    GoalSheet.objects.filter(fiscal_year=org.fiscal_year).update(status=SheetStatus.ACCEPTED)
    login("planner")
    page.goto(f"{page.live_server_url}/print/")
    box = page.locator("#bundle-plan")

    box.get_by_role("button", name="作成する").click()

    download_link = box.get_by_role("link", name="ダウンロード")
    expect(download_link).to_be_visible(timeout=30_000)
    expect(box.get_by_text("4ページ")).to_be_visible()
    with page.expect_download() as download:
        download_link.click()
    assert (
        download.value.suggested_filename == f"{org.fiscal_year.label}_組織目標展開整理表_全庁.pdf"
    )


def test_progress_is_followed_until_the_download_appears(page, login, org):
    job = CityPdfJob.objects.create(
        fiscal_year=org.fiscal_year,
        kind="year_end",
        status=CityPdfJob.Status.RUNNING,
        stage="部ごとに描画しています",
        departments_done=1,
        departments_total=2,
    )
    login("planner")
    page.goto(f"{page.live_server_url}/print/")
    box = page.locator("#bundle-year_end")
    expect(box.get_by_text("作成中：部ごとに描画しています")).to_be_visible()
    expect(box.get_by_text("1 / 2 部")).to_be_visible()
    expect(box.locator("progress")).to_have_attribute("value", "50")

    CityPdfJob.objects.filter(pk=job.pk).update(status=CityPdfJob.Status.DONE, page_count=9)

    expect(box.get_by_role("link", name="ダウンロード")).to_be_visible(timeout=10_000)
    expect(box.get_by_text("9ページ")).to_be_visible()


def test_menu_is_not_offered_to_a_department_head(page, login, org):
    login("head_a")

    expect(page.get_by_role("link", name="印刷")).to_have_count(0)
    response = page.goto(f"{page.live_server_url}/print/")
    assert response.status == 403
