"""Excel in and out in the browser: download a sheet; upload, preview and confirm an import.

Nothing is written before the confirmation. The checked plan travels from the preview to the
confirmation signed (and bound to the user), never stored on the server; the confirmation checks
permissions again and the services check the data again, in one transaction.
"""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.http import attachment, page_or_partial, wants_partial
from departments.models import Department
from departments.permissions import (
    can_administer_city,
    can_import_any_sheet,
    can_replace_frozen_sheet,
    check_sheet_import,
)
from excel import xlsx
from excel.forms import ImportUploadForm
from excel.selectors import column_mapping_for
from excel.services import column_mapping_remember, sheet_import_with_vocabulary
from excel.uploads import UploadGone, upload_keep, upload_open
from goals import selectors
from goals.access import sheet_for_request
from goals.models import FiscalYear
from goals.services import SheetImportError

PAYLOAD_SALT = "goals.excel.import"
PAYLOAD_MAX_AGE = 2 * 60 * 60  # seconds between the preview and the confirmation
TEMPLATE = "excel/import.html"


@require_http_methods(["GET", "HEAD"])
def sheet_xlsx(request, pk: int):
    """The sheet as .xlsx in the official layout: ?kind=plan (default) or year_end."""
    sheet = sheet_for_request(request, pk)
    kind = request.GET.get("kind") or xlsx.KIND_PLAN
    if kind not in xlsx.KINDS:
        return HttpResponseBadRequest(
            "種類の指定が正しくありません（plan または year_end）。".encode(),
            content_type="text/plain; charset=utf-8",
        )
    return attachment(*xlsx.sheet_xlsx(selectors.sheet_content_load(sheet), kind))


def _render(request, context: dict, status: int = 200):
    context.setdefault("show_form", True)
    context["upload_limit_mb"] = settings.UPLOAD_MAX_BYTES // 1024 // 1024
    template = page_or_partial(request, TEMPLATE, "import-area")
    # htmx 2 swaps only 2xx answers: a failed upload answers 200 to htmx and 422 to a plain form.
    return render(request, template, context, status=200 if wants_partial(request) else status)


def _check_may_import(user):
    if not can_import_any_sheet(user):
        raise PermissionDenied("整理表の読み込みは、部長と企画・政策担当が行います。")


@require_http_methods(["GET", "HEAD"])
def import_upload(request):
    """The upload form; ?sheet=<pk> preselects that sheet's year and department."""
    _check_may_import(request.user)
    initial = {}
    if sheet_pk := request.GET.get("sheet"):
        if not sheet_pk.isdigit():
            raise Http404("整理表が見つかりません。")
        sheet = sheet_for_request(request, int(sheet_pk))
        check_sheet_import(request.user, department=sheet.department, fiscal_year=sheet.fiscal_year)
        initial = {"fiscal_year": sheet.fiscal_year, "department": sheet.department}
    form = ImportUploadForm(user=request.user, initial=initial)
    return _render(request, {"form": form})


def _requested_target(request):
    """The year and department posted, checked before the form: 404 / 403 like any object."""
    department_pk = request.POST.get("department", "")
    year_pk = request.POST.get("fiscal_year", "")
    if not (department_pk.isdigit() and year_pk.isdigit()):
        return
    department = Department.objects.filter(pk=department_pk).first()
    fiscal_year = FiscalYear.objects.filter(pk=year_pk).first()
    if department and fiscal_year:
        check_sheet_import(request.user, department=department, fiscal_year=fiscal_year)


@require_POST
def import_preview(request):
    """Read the uploaded file and show what confirming would write; write nothing."""
    _check_may_import(request.user)
    limit = settings.UPLOAD_MAX_BYTES
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 1024 * 1024:
        # Refused before reading the body: a huge upload is never parsed.
        message = (
            f"ファイルが大きすぎます。{limit // 1024 // 1024}MB 以下のファイルにしてください。"
        )
        form = ImportUploadForm(user=request.user)
        return _render(request, {"form": form, "form_errors": [message]}, status=413)
    if request.POST.get("upload_token"):
        return _preview_again(request)
    _requested_target(request)
    form = ImportUploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _render(request, {"form": form}, status=422)
    fiscal_year = form.cleaned_data["fiscal_year"]
    department = form.cleaned_data["department"]
    check_sheet_import(request.user, department=department, fiscal_year=fiscal_year)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        imported = xlsx.workbook_read(
            data,
            filename=upload.name,
            department=department.name,
            fiscal_year=fiscal_year.year,
            remembered=column_mapping_for(department=department),
        )
    except xlsx.WorkbookError as error:
        form.add_error("file", str(error))
        return _render(request, {"form": form}, status=422)
    token = upload_keep(
        data=data,
        filename=upload.name,
        user=request.user,
        fiscal_year=fiscal_year,
        department=department,
    )
    return _show_plan(request, imported, fiscal_year, department, token)


def _posted_mapping(request) -> dict[str, str]:
    """The column mapping chosen on the page: map_<letter> = field ("" for none)."""
    keys = {key for key, _ in xlsx.FIELD_CHOICES}
    return {
        name[4:]: value
        for name, value in request.POST.items()
        if name.startswith("map_") and name[4:].isalpha() and name[4:].isupper() and value in keys
    }


def _preview_again(request):
    """The same file read again with the columns mapped as chosen on the page."""
    try:
        kept = upload_open(request.POST["upload_token"], user=request.user)
    except UploadGone as error:
        form = ImportUploadForm(user=request.user)
        return _render(request, {"form": form, "form_errors": [str(error)]}, status=400)
    fiscal_year = get_object_or_404(FiscalYear, pk=kept.fiscal_year)
    department = get_object_or_404(Department, pk=kept.department)
    check_sheet_import(request.user, department=department, fiscal_year=fiscal_year)
    try:
        worksheet = request.POST.get("worksheet") or None
        same = worksheet is None or worksheet == request.POST.get("mapped_worksheet")
        imported = xlsx.workbook_read(
            kept.data,
            filename=kept.filename,
            # Another worksheet has other columns: the mapping chosen for this one is not kept.
            mapping=_posted_mapping(request) if same else None,
            worksheet=worksheet,
            department=department.name,
            fiscal_year=fiscal_year.year,
            remembered=column_mapping_for(department=department),
        )
    except xlsx.WorkbookError as error:
        form = ImportUploadForm(user=request.user)
        return _render(request, {"form": form, "form_errors": [str(error)]}, status=422)
    return _show_plan(request, imported, fiscal_year, department, request.POST["upload_token"])


def _show_plan(request, imported, fiscal_year, department, token: str):
    plan = xlsx.import_plan(
        imported,
        fiscal_year=fiscal_year.year,
        department=department.name,
        create_missing=can_administer_city(request.user),
        may_replace_frozen=can_replace_frozen_sheet(request.user, fiscal_year=fiscal_year),
    )
    context = {
        "form": ImportUploadForm(
            user=request.user, initial={"fiscal_year": fiscal_year, "department": department}
        ),
        "plan": plan,
        "show_form": not plan.ok,
        "upload_token": token,
        "field_choices": xlsx.FIELD_CHOICES,
    }
    if plan.ok:
        payload = xlsx.plan_payload(plan) | {"user": request.user.pk}
        context["payload"] = signing.dumps(payload, salt=PAYLOAD_SALT, compress=True)
    return _render(request, context, status=200 if plan.ok else 422)


@require_POST
def import_confirm(request):
    """Write the previewed sheet, all or nothing."""
    _check_may_import(request.user)
    form = ImportUploadForm(user=request.user)
    try:
        payload = signing.loads(
            request.POST.get("payload", ""), salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE
        )
    except signing.SignatureExpired:
        message = "確認画面の有効期限が切れました。もう一度ファイルを選んでください。"
        return _render(request, {"form": form, "form_errors": [message]}, status=400)
    except signing.BadSignature:
        message = "確認の内容を読み取れませんでした。もう一度ファイルを選んでください。"
        return _render(request, {"form": form, "form_errors": [message]}, status=400)
    if payload.get("user") != request.user.pk:
        raise PermissionDenied("ほかの人が確認した内容は読み込めません。")
    if payload.get("mismatches") and request.POST.get("accept_mismatch") != "1":
        message = (
            "ファイルの部または年度が読み込み先と違います。確かめたうえで"
            "「違うことを確かめました」にチェックを付けて読み込んでください。"
        )
        return _render(request, {"form": form, "form_errors": [message]}, status=400)
    fiscal_year = get_object_or_404(FiscalYear, pk=payload["fiscal_year"])
    department = get_object_or_404(Department, pk=payload["department"])
    check_sheet_import(request.user, department=department, fiscal_year=fiscal_year)
    if (payload["new_categories"] or payload["new_sections"]) and not can_administer_city(
        request.user
    ):
        raise PermissionDenied("分類・課の登録は企画・政策担当が行います。")
    data = xlsx.sheet_data_from_payload(payload)
    try:
        sheet = sheet_import_with_vocabulary(
            fiscal_year=fiscal_year,
            department=department,
            data=data,
            achievements=xlsx.achievements_from_payload(payload),
            new_categories=payload["new_categories"],
            new_sections=payload["new_sections"],
            replace=payload["existing_version"] is not None,
            allow_frozen=can_replace_frozen_sheet(request.user, fiscal_year=fiscal_year),
            expected_version=payload["existing_version"],
            check_version=True,
            user=request.user,
        )
    except SheetImportError as error:
        form = ImportUploadForm(
            user=request.user, initial={"fiscal_year": fiscal_year, "department": department}
        )
        return _render(request, {"form": form, "write_problems": error.problems}, status=409)
    column_mapping_remember(
        department=department, chosen=payload.get("chosen_headings") or {}, user=request.user
    )
    messages.success(
        request,
        f"{fiscal_year.label} {department.name}の整理表を読み込みました"
        f"（実施項目 {len(data.items)}件）。",
    )
    url = reverse("goals:sheet_detail", args=[sheet.pk])
    if wants_partial(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)
