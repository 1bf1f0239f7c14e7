"""Downloads of the printed sheets, and the planning staff's print menu with the whole city's PDF.

Views check permissions (departments/permissions.py) and wrap the exporters of printing/pdf/.
A failed rendering answers a Japanese error page, never a partial file.
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.http import attachment, page_or_partial, wants_partial
from core.lazy import LazyModule
from departments.models import Department, Section
from departments.permissions import (
    PRINT_SECTION_REVIEW,
    check_print_city,
    check_section_sheet,
    check_sheet_print,
    current_fiscal_year,
    printable_sections,
)
from goals import selectors
from goals.access import sheet_for_request
from goals.models import CityPdfJob, FiscalYear, GoalSheet, PrintKind
from printing.jobs import city_pdf_job_start

# The PDF package (WeasyPrint) is imported at the first print, not when the URLs load.
pdf = LazyModule("printing.pdf")

SECTION_REVIEW = PRINT_SECTION_REVIEW
KIND_LABELS = {
    PrintKind.PLAN: "組織目標展開整理表",
    PrintKind.YEAR_END: "達成状況つき（年度末）",
    PrintKind.MID_YEAR: "中間確認",
    SECTION_REVIEW: "課の実行計画（中間・年度末確認）",
}


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "print/error.html", {"message": message}, status=status)


@require_GET
def sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A department's sheet: ?kind=plan (default), year_end, mid_year, or section_review (every
    section's review sheet the user may read, in one file)."""
    sheet = sheet_for_request(request, pk)
    kind = request.GET.get("kind") or PrintKind.PLAN
    if kind not in KIND_LABELS:
        return _error(request, "印刷の種類が正しくありません。", status=400)
    check_sheet_print(request.user, sheet, kind)
    selectors.sheet_content_load(sheet)
    try:
        if kind == SECTION_REVIEW:
            sections = printable_sections(
                request.user, sheet=sheet, sections=pdf.sections_with_items(sheet)
            )
            exported = pdf.section_reviews_pdf(sheet, sections)
        else:
            exported = pdf.sheet_pdf(sheet, kind)
    except pdf.PdfRenderError as error:
        return _error(request, str(error), status=500)
    return attachment(*exported)


@require_GET
def section_review_pdf(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """One section's review sheet (実行計画・中間確認・年度末確認), as its reviews allow."""
    sheet = sheet_for_request(request, pk)
    section = get_object_or_404(Section, pk=section_pk)
    check_section_sheet(request.user, sheet=sheet, section=section)
    selectors.sheet_content_load(sheet)
    try:
        exported = pdf.section_review_pdf(sheet, section)
    except pdf.PdfRenderError as error:
        return _error(request, str(error), status=500)
    return attachment(*exported)


# The print menu and the whole city -----------------------------------------------------------


def _latest_jobs(fiscal_year: FiscalYear) -> dict[str, CityPdfJob]:
    latest: dict[str, CityPdfJob] = {}
    for job in CityPdfJob.objects.filter(fiscal_year=fiscal_year).select_related("fiscal_year"):
        latest.setdefault(job.kind, job)
    return latest


def _bundles(fiscal_year: FiscalYear) -> list[dict]:
    jobs = _latest_jobs(fiscal_year)
    return [
        {"kind": kind, "label": label, "fiscal_year": fiscal_year, "job": jobs.get(kind)}
        for kind, label in PrintKind.choices
    ]


def _bundle(job: CityPdfJob) -> dict:
    return {
        "kind": job.kind,
        "label": job.get_kind_display(),
        "fiscal_year": job.fiscal_year,
        "job": job,
    }


@require_GET
def menu(request: HttpRequest) -> HttpResponse:
    """Every department's sheets of a year to download, and the whole city's PDF."""
    check_print_city(request.user)
    fiscal_years = list(FiscalYear.objects.order_by("-year"))
    if not fiscal_years:
        return render(request, "print/menu.html", {"fiscal_years": [], "fiscal_year": None})
    by_year = {fiscal_year.year: fiscal_year for fiscal_year in fiscal_years}
    wanted = request.GET.get("year") or ""
    if wanted and (not wanted.isdigit() or int(wanted) not in by_year):
        raise Http404("その年度は登録されていません。")
    current = current_fiscal_year()
    fiscal_year = by_year.get(int(wanted) if wanted else current) or fiscal_years[0]
    check_print_city(request.user, fiscal_year.year)
    sheets = {
        sheet.department_id: sheet
        for sheet in GoalSheet.objects.filter(fiscal_year=fiscal_year).select_related("department")
    }
    departments = Department.objects.filter(pk__in=sheets.keys()) | Department.objects.active_in(
        fiscal_year.year
    )
    rows = [
        {"department": department, "sheet": sheets.get(department.pk)}
        for department in departments.distinct().order_by("display_order", "name")
    ]
    context = {
        "fiscal_years": fiscal_years,
        "fiscal_year": fiscal_year,
        "rows": rows,
        "kinds": list(KIND_LABELS.items()),
        "bundles": _bundles(fiscal_year),
        "sheet_count": len(sheets),
    }
    return render(request, page_or_partial(request, "print/menu.html", "menu_body"), context)


@require_POST
def city_start(request: HttpRequest) -> HttpResponse:
    """Start (or join) the whole city's PDF of a year; the job box shows its progress."""
    year, kind = request.POST.get("year", ""), request.POST.get("kind", "")
    fiscal_year = FiscalYear.objects.filter(year=int(year)).first() if year.isdigit() else None
    check_print_city(request.user)
    if fiscal_year is None or kind not in PrintKind.values:
        return _error(request, "年度または種類が正しくありません。", status=400)
    check_print_city(request.user, fiscal_year.year)
    if not GoalSheet.objects.filter(fiscal_year=fiscal_year).exists():
        message = f"{fiscal_year.label}の整理表はまだありません。"
        if wants_partial(request):
            bundle = {
                "kind": kind,
                "label": PrintKind(kind).label,
                "fiscal_year": fiscal_year,
                "job": _latest_jobs(fiscal_year).get(kind),
                "error": message,
            }
            return render(request, "print/job.html#bundle", {"bundle": bundle})
        return _error(request, message, status=400)
    job = city_pdf_job_start(fiscal_year=fiscal_year, kind=kind, user=request.user)
    if wants_partial(request):
        return render(request, "print/job.html#bundle", {"bundle": _bundle(job)})
    return redirect(f"{reverse('print:city_status', args=[job.pk])}")


@require_GET
def city_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A whole-city job's progress; htmx polls the box while it runs."""
    job = get_object_or_404(CityPdfJob.objects.select_related("fiscal_year"), pk=pk)
    check_print_city(request.user, job.fiscal_year.year)
    context = {"bundle": _bundle(job)}
    return render(request, page_or_partial(request, "print/job.html", "bundle"), context)


@require_GET
def city_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(CityPdfJob.objects.select_related("fiscal_year"), pk=pk)
    check_print_city(request.user, job.fiscal_year.year)
    if job.status != CityPdfJob.Status.DONE or not job.file:
        raise Http404("この PDF はまだできていません。")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("この PDF は削除されました。もう一度作成してください。") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=pdf.city_filename(job.fiscal_year, job.kind),
        content_type=pdf.PDF_CONTENT_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response
