"""The public site in a browser: publish → public page → unpublish, axe-core on every public page
(at full width, at 390 px and at the width of 200 % zoom), keyboard use."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from publication.models import Publication
from tests.publication.helpers import accept, confirm_year_end, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()


def test_publish_then_read_then_unpublish(page, login, org):
    accept(org.sheet_a, org.planner)
    login("planner")
    page.get_by_role("link", name="公表", exact=True).click()
    goals = page.locator("#kind-goals")
    goals.get_by_role("button", name=re.compile(r"^公表\s*（市民部・目標）")).click()
    expect(page.get_by_text("を公表しました: 市民部")).to_be_visible()
    expect(page.locator("#kind-goals").get_by_text("公表中")).to_be_visible()

    page.goto(f"{page.live_server_url}{reverse('public:index')}")
    page.get_by_role("link", name=org.fiscal_year.label, exact=True).click()
    page.get_by_role("link", name="市民部").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"市民部の組織目標（{org.fiscal_year.label}）"
    )
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("市民部")
    expect(table.get_by_role("rowheader", name="1")).to_be_visible()
    expect(table.get_by_role("listitem").first).to_have_text("達成水準の一つ目")
    public_url = page.url

    page.goto(f"{page.live_server_url}{reverse('publication:manage')}")
    page.locator("#kind-goals").get_by_role(
        "button", name=re.compile(r"^取り消し\s*（市民部・目標）")
    ).click()
    expect(page.get_by_text("公表を取り消しました: 市民部")).to_be_visible()
    response = page.goto(public_url)
    assert response.status == 404


@pytest.fixture
def published_city(org):
    accept(org.sheet_a, org.planner)
    accept(org.sheet_b, org.planner)
    level = org.fiscal_year.achievement_scale.levels.first()
    confirm_year_end(org.item_a, org.section_a1, level)
    publish(org, "goals")
    publish(org, "results", departments=[org.dept_a])
    return org


def public_pages(org) -> list[str]:
    year = org.fiscal_year.year
    version = Publication.objects.filter(kind="goals").first()
    return [
        reverse("public:index"),
        reverse("public:year", args=[year]),
        reverse("public:department", args=[year, "goals", org.dept_a.pk]),
        reverse("public:department", args=[year, "results", org.dept_a.pk]),
        reverse("public:version", args=[version.pk]),
        reverse("public:search"),
        f"{reverse('public:search')}?q=実施項目",
        f"{reverse('public:search')}?q=見つからない言葉",
        reverse("public:data"),
    ]


@pytest.mark.parametrize("width", [1366, 390, 683])  # 683: 1366 px at 200 % zoom
def test_axe_finds_no_violation_on_any_public_page(page, published_city, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in public_pages(published_city):
        response = page.goto(f"{page.live_server_url}{path}")
        assert response.status == 200, path
        results = AXE.run(page)
        assert results.violations_count == 0, f"{path}\n{results.generate_report()}"
        # The page never scrolls sideways: a wide table scrolls inside its frame.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} は {width}px で横にはみ出します（{overflow}px）"


def test_the_table_scrolls_inside_its_frame_at_390_px(page, published_city):
    page.set_viewport_size({"width": 390, "height": 800})
    org = published_city
    year = org.fiscal_year.year
    page.goto(
        f"{page.live_server_url}{reverse('public:department', args=[year, 'goals', org.dept_a.pk])}"
    )
    frame = page.locator(".table-frame")
    sizes = frame.evaluate("f => [f.scrollWidth, f.clientWidth]")
    assert sizes[0] > sizes[1]  # the table is wider than the frame, which scrolls


def test_keyboard_skip_link_and_table_frame(page, published_city):
    org = published_city
    year = org.fiscal_year.year
    page.goto(
        f"{page.live_server_url}{reverse('public:department', args=[year, 'goals', org.dept_a.pk])}"
    )
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('table-frame')"):
            break
    else:
        pytest.fail("表の枠にキーボードで移動できません")
    page.keyboard.press("ArrowRight")


def test_axe_really_runs(page):
    """The check above cannot pass by not running: axe reports a page made to fail."""
    page.set_content('<html><body><img src="x.png"><a href="#"></a></body></html>')
    assert AXE.run(page).violations_count > 0
