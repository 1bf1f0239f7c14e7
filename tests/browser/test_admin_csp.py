"""The Django admin works under its Content Security Policy: no violation on its pages, and its
scripts (filters, inlines, the export page's select-all) run."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def test_admin_pages_run_under_the_policy(page, org):
    page.add_init_script(RECORD_VIOLATIONS)
    base = page.live_server_url

    def visit(path: str):
        response = page.goto(f"{base}{path}")
        assert response.status == 200, path
        assert "script-src" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path

    visit("/admin/login/")
    page.get_by_label("ユーザー名").fill("admin")
    page.get_by_label("パスワード").fill("pass")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__csp") == []

    visit("/admin/")
    visit("/admin/goals/goalitem/")
    # The actions bar is scripted (actions.js): ticking a row counts it.
    page.locator("input.action-select").first.check()
    assert "1" in page.locator(".action-counter").inner_text()
    visit(f"/admin/goals/goalsheet/{org.sheet_a.pk}/change/")
    visit("/admin/goals/goalitem/import/")
    visit("/admin/goals/category/export/")
    toggle = page.locator("input[name=select-all-toggle]")
    fields = page.locator("input[type=checkbox]:not([name=select-all-toggle]):visible")
    assert fields.count() >= 2 and fields.first.is_checked()
    toggle.uncheck()  # runs the inline onchange handler allowed by its hash
    assert not fields.first.is_checked()
    assert page.evaluate("window.__csp") == []
