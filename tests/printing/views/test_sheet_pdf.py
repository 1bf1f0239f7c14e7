"""print:sheet_pdf — a department's sheet as PDF (plan, year_end, mid_year, section_review)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from printing import pdf
from tests import factories
from tests.printing.views.conftest import STUB_PDF, assert_attachment


def url(sheet, kind=None):
    base = reverse("print:sheet_pdf", args=[sheet.pk])
    return f"{base}?kind={kind}" if kind else base


def test_downloads_the_real_pdf(org, client_for):
    response = client_for(org.head_a).get(url(org.sheet_a))

    assert_attachment(response, f"{org.fiscal_year.label}_組織目標展開整理表_市民部.pdf")
    assert response.content.startswith(b"%PDF")
    assert pdf.page_count(response.content) == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("planner", 200),
        ("admin", 200),
        ("head_a", 200),
        ("chief_a", 200),
        ("chief_a2", 200),
        ("head_b", 404),
        ("chief_b", 404),
        ("anonymous", 302),
    ],
)
def test_whoever_may_read_the_sheet_may_print_it(org, client_for, rendered, persona, status):
    response = client_for(org.persona(persona)).get(url(org.sheet_a, "plan"))

    assert response.status_code == status
    if status == 200:
        assert response.content == STUB_PDF


@pytest.mark.parametrize("kind", ["plan", "year_end", "mid_year", "section_review"])
def test_every_kind_has_its_file_name(org, client_for, rendered, kind):
    response = client_for(org.planner).get(url(org.sheet_a, kind))

    label = org.fiscal_year.label
    expected = {
        "plan": f"{label}_組織目標展開整理表_市民部.pdf",
        "year_end": f"{label}_組織目標展開整理表_達成状況_市民部.pdf",
        "mid_year": f"{label}_組織目標展開整理表_中間確認_市民部.pdf",
        "section_review": f"{label}_実行計画_市民部市民課.pdf",  # its only section
    }[kind]
    assert_attachment(response, expected)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("head_a", 200), ("planner", 200), ("chief_a", 403), ("chief_a2", 403), ("head_b", 404)],
)
def test_mid_year_list_needs_every_sections_reviews(org, client_for, rendered, persona, status):
    response = client_for(org.persona(persona)).get(url(org.sheet_a, "mid_year"))

    assert response.status_code == status
    if status == 403:
        assert "部長と企画・政策担当が印刷できます" in response.content.decode()


def test_section_sheets_are_those_the_user_may_read(org, client_for, rendered):
    factories.GoalItemFactory(sheet=org.sheet_a, position=1, sections=[org.section_a2])

    response = client_for(org.chief_a).get(url(org.sheet_a, "section_review"))

    assert response.status_code == 200
    assert "市民部市民課" in rendered[-1]
    assert "市民部経済課" not in rendered[-1]
    client_for(org.head_a).get(url(org.sheet_a, "section_review"))
    assert "市民部市民課" in rendered[-1] and "市民部経済課" in rendered[-1]


def test_a_section_print_is_named_after_its_section(org, client_for, rendered):
    factories.GoalItemFactory(sheet=org.sheet_a, position=1, sections=[org.section_a2])
    label = org.fiscal_year.label

    chief = client_for(org.chief_a).get(url(org.sheet_a, "section_review"))
    head = client_for(org.head_a).get(url(org.sheet_a, "section_review"))

    assert_attachment(chief, f"{label}_実行計画_市民部市民課.pdf")
    assert_attachment(head, f"{label}_実行計画_市民部.pdf")


def test_no_section_sheet_to_print_is_forbidden(org, client_for, rendered):
    response = client_for(org.chief_a2).get(url(org.sheet_a, "section_review"))

    assert response.status_code == 403


def test_unknown_kind_is_a_clear_error(org, client_for, rendered):
    response = client_for(org.head_a).get(url(org.sheet_a, "poster"))

    assert response.status_code == 400
    assert "印刷の種類が正しくありません。" in response.content.decode()
    assert rendered == []


def test_unknown_sheet_is_404(org, client_for):
    response = client_for(org.planner).get(reverse("print:sheet_pdf", args=[999999]))

    assert response.status_code == 404


def test_wrong_method(org, client_for):
    response = client_for(org.head_a).post(url(org.sheet_a))

    assert response.status_code == 405


def test_htmx_request_gets_the_same_file(org, client_for, rendered):
    """A download has no partial: an htmx request gets the file all the same."""
    response = client_for(org.head_a).get(url(org.sheet_a), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.content == STUB_PDF


def test_full_request_gets_the_file(org, client_for, rendered):
    response = client_for(org.head_a).get(url(org.sheet_a))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_failed_rendering_is_a_japanese_error_page(org, client_for, monkeypatch):
    def broken(html, **options):
        raise pdf.PdfRenderError(pdf.RENDER_FAILED)

    monkeypatch.setattr(pdf.renderer, "render_pdf", broken)

    response = client_for(org.head_a).get(url(org.sheet_a))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "PDF を作成できませんでした" in response.content.decode()
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("kind", ["plan", "year_end", "mid_year", "section_review"])
def test_query_count_does_not_grow_with_items(org, client_for, rendered, kind):
    client = client_for(org.head_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url(org.sheet_a, kind)).status_code == 200
        return len(context)

    few = queries()
    for position in range(1, 15):
        factories.GoalItemFactory(
            sheet=org.sheet_a, position=position, sections=[org.section_a1, org.section_a2]
        )
    assert queries() == few
