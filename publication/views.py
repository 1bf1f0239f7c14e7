"""Planning staff publish a year's sheets (目標) or results (達成状況) and withdraw them.

Permissions come from departments/permissions.py (`check_publish`); the writes are the services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from departments.models import Department
from departments.permissions import check_publish, current_fiscal_year
from goals.models import FiscalYear
from publication.models import PublicationKind
from publication.selectors import KIND_SLUGS, fiscal_years_for_publication, manage_rows
from publication.services import publication_publish, publication_unpublish


def _fiscal_year(year: int) -> FiscalYear:
    return get_object_or_404(FiscalYear, year=year)


def _kind(kind: str) -> PublicationKind:
    if kind not in KIND_SLUGS:
        raise Http404("公表の種類が見つかりません。")
    return KIND_SLUGS[kind]


def _manage_url(fiscal_year: FiscalYear) -> str:
    return f"{reverse('publication:manage')}?year={fiscal_year.year}"


@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    years = fiscal_years_for_publication()
    wanted = request.GET.get("year")
    fiscal_year = None
    if wanted and wanted.isdigit():
        fiscal_year = next((y for y in years if y.year == int(wanted)), None)
        if fiscal_year is None:
            raise Http404("年度が見つかりません。")
    if fiscal_year is None and years:
        current = current_fiscal_year()
        fiscal_year = next((y for y in years if y.year == current), years[0])
    check_publish(request.user, fiscal_year.year if fiscal_year else None)
    return render(
        request,
        "publication/manage.html",
        {
            "fiscal_years": years,
            "fiscal_year": fiscal_year,
            "rows": manage_rows(fiscal_year=fiscal_year) if fiscal_year else [],
            "kinds": PublicationKind,
        },
    )


def _departments(request: HttpRequest):
    """One department (`department` in the form) or every one (None)."""
    pk = request.POST.get("department")
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404("部が見つかりません。")
    return [get_object_or_404(Department, pk=int(pk))]


@require_POST
def publish(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    fiscal_year = _fiscal_year(year)
    kind = _kind(kind)
    check_publish(request.user, fiscal_year.year)
    departments = _departments(request)
    try:
        report = publication_publish(
            fiscal_year=fiscal_year, kind=kind, departments=departments, user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_manage_url(fiscal_year))
    if report.published:
        names = "、".join(p.department.name for p in report.published)
        messages.success(request, f"{fiscal_year.label}の{kind.label}を公表しました: {names}")
    if report.unchanged:
        names = "、".join(report.unchanged)
        messages.info(request, f"公表済みの内容と同じため、そのままにしました: {names}")
    for message in report.refused:
        messages.warning(request, message)
    return redirect(_manage_url(fiscal_year))


@require_POST
def unpublish(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    fiscal_year = _fiscal_year(year)
    kind = _kind(kind)
    check_publish(request.user, fiscal_year.year)
    try:
        withdrawn = publication_unpublish(
            fiscal_year=fiscal_year, kind=kind, departments=_departments(request), user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_manage_url(fiscal_year))
    names = "、".join(dict.fromkeys(p.department.name for p in withdrawn))
    messages.success(
        request,
        f"{fiscal_year.label}の{kind.label}の公表を取り消しました: {names}",
    )
    return redirect(_manage_url(fiscal_year))
