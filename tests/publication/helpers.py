"""Publishing in tests: the org's sheets accepted (and their year-end results confirmed).

`fake_pdf` stands in for WeasyPrint where a test is not about the PDF itself (a real one-page
PDF, so that the whole-city bundle can still be put together); the PDF tests render for real.
"""

import io
from contextlib import contextmanager
from unittest import mock

from pypdf import PdfWriter

from goals.models import SheetSigner
from goals.services import sheet_accept, sheet_revise, sheet_submit
from publication.services import publication_publish
from reviews.models import Review, ReviewStatus, Stage


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


BLANK_PDF = _blank_pdf()


def fake_sheet_pdf(sheet, kind="plan"):
    return f"{sheet.department.name}.pdf", "application/pdf", BLANK_PDF


@contextmanager
def fake_pdf():
    with mock.patch("printing.pdf.sheet_pdf", fake_sheet_pdf):
        yield


def accept(sheet, user):
    sheet.refresh_from_db()
    if not sheet.signers.exists():
        SheetSigner.objects.create(sheet=sheet, title="部長", name="署名 太郎")
    sheet = sheet_submit(sheet=sheet, version=sheet.version, user=None)
    sheet_accept(sheet=sheet, version=sheet.version, user=user)
    sheet.refresh_from_db()
    return sheet


def revise(sheet, user):
    sheet.refresh_from_db()
    sheet = sheet_revise(sheet=sheet, version=sheet.version, user=user)
    sheet.refresh_from_db()
    return sheet


def confirm_year_end(item, section, level):
    return Review.objects.create(
        item=item,
        section=section,
        stage=Stage.YEAR_END,
        status=ReviewStatus.CONFIRMED,
        achievement_level=level,
        summary="1年間の総括（公表しない文）",
    )


def publish(org, kind="goals", departments=None):
    with fake_pdf():
        return publication_publish(
            fiscal_year=org.fiscal_year, kind=kind, departments=departments, user=org.planner
        )
