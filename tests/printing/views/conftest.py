"""Fixtures for the print views: a private MEDIA_ROOT, jobs run at once, rendering stubbed where
the test is about permissions rather than the PDF itself."""

import pytest
from django.utils.http import content_disposition_header

from printing import pdf

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STUB_PDF = b"%PDF-1.7\n% stub\n"


@pytest.fixture(autouse=True)
def print_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_RENDER_PROCESSES = 1
    settings.TASKS = IMMEDIATE


@pytest.fixture
def rendered(monkeypatch):
    """Rendering replaced by a stub; the list holds the HTML it was given."""
    documents: list[str] = []

    def render(html: str, **options) -> bytes:
        documents.append(html)
        return STUB_PDF

    monkeypatch.setattr(pdf.renderer, "render_pdf", render)
    return documents


def assert_attachment(response, filename: str):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == content_disposition_header(True, filename)
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
