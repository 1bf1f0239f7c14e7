"""Open data of a published year: CSV (UTF-8 with a BOM, so that Excel opens it) and JSON.

Exporters return (filename, content_type, bytes); the views only check and wrap them.
"""

import csv
import io
import json

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from core.http import safe_filename
from core.wareki import fiscal_year_label
from publication.models import Publication, PublicationKind
from publication.selectors import OPEN_DATA_COLUMNS, open_data_records

# A cell a spreadsheet would read as a formula is written behind a leading ' (the usual guard,
# as the admin's CSV does): open data must never run anything in the reader's Excel.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "'", "\t", "\r")


def _cell(value) -> str:
    if isinstance(value, list):
        value = "\n".join(value)
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_PREFIXES) else text


def _basename(year: int, kind: str) -> str:
    return safe_filename(f"{fiscal_year_label(year)}_組織目標_{PublicationKind(kind).label}")


def open_data_csv(*, year: int, kind: str) -> tuple[str, str, bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    keys = [key for key, _, _ in OPEN_DATA_COLUMNS]
    writer.writerow([heading for _, heading, _ in OPEN_DATA_COLUMNS])
    for record in open_data_records(year=year, kind=kind):
        writer.writerow([_cell(record[key]) for key in keys])
    content = "\ufeff" + buffer.getvalue()
    return f"{_basename(year, kind)}.csv", "text/csv; charset=utf-8", content.encode("utf-8")


def open_data_json(*, year: int, kind: str) -> tuple[str, str, bytes]:
    document = {
        "fiscal_year": year,
        "fiscal_year_label": fiscal_year_label(year),
        "kind": PublicationKind(kind).label,
        "columns": [
            {"key": key, "label": heading, "description": description}
            for key, heading, description in OPEN_DATA_COLUMNS
        ],
        "items": open_data_records(year=year, kind=kind),
    }
    content = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    return f"{_basename(year, kind)}.json", "application/json; charset=utf-8", content


def city_bundle_pdf(
    *, year: int, kind: str, publications: list[Publication], city_name: str
) -> tuple[str, str, bytes]:
    """The published PDFs of a year and kind in one file, a bookmark per department. Made from
    the frozen PDFs only: a department that is not published is not in it."""
    writer = PdfWriter()
    for publication in publications:
        first = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(bytes(publication.pdf))), import_outline=False)
        writer.add_outline_item(title=publication.department.name, page_number=first)
    title = f"{fiscal_year_label(year)} 組織目標展開整理表（{PublicationKind(kind).label}・全庁）"
    writer.add_metadata({"/Title": title, "/Author": city_name, "/Creator": "組織目標"})
    writer.root_object[NameObject("/Lang")] = TextStringObject("ja")
    writer.page_mode = "/UseOutlines"
    output = io.BytesIO()
    writer.write(output)
    filename = safe_filename(
        f"{fiscal_year_label(year)}_組織目標_{PublicationKind(kind).label}_全庁"
    )
    return f"{filename}.pdf", "application/pdf", output.getvalue()
