"""Screens of the sheet editor: my sheets, the sheet page with its items edited in place, the
header and signers, the workflow (submit, return, accept, revise), history and accepted versions.

Every view asks `departments.permissions` first (another department's sheet is a 404, a
read-only one a 403), writes only through `goals.services`, and answers both a full page and,
for an htmx request, the partial it replaces. Without JavaScript every link and form still works.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap

from core.deadlines import DEADLINE_SUGGESTIONS
from core.editing import encode_base
from core.http import page_or_partial, wants_partial
from core.once import once_new
from departments.models import Department
from departments.permissions import (
    Access,
    can_manage_sheet_workflow,
    can_manage_sheets_of_year,
    check_sheet_create,
    check_sheet_workflow,
    current_fiscal_year,
    sees_every_sheet,
    sheet_access,
)
from goals import history, selectors, services
from goals.access import item_for_request, sheet_for_request
from goals.forms import (
    HeaderForm,
    ItemForm,
    MoveForm,
    ReturnForm,
    SheetCreateForm,
    SignerForm,
    VersionForm,
    add_service_errors,
)
from goals.models import FiscalYear, GoalItem, GoalSheet, SheetSigner, SheetSnapshot, SheetStatus
from goals.services import EditConflict
from reviews.selectors import achievement_status_by_item, review_summaries_by_item

HISTORY_PAGE_SIZE = 50


# Helpers ------------------------------------------------------------------------------------


def _signer_for(request: HttpRequest, sheet_pk: int, pk: int):
    sheet = sheet_for_request(request, sheet_pk, write=True)
    signer = get_object_or_404(SheetSigner, pk=pk, sheet=sheet)
    signer.sheet = sheet
    return sheet, signer


def _sheet_url(sheet: GoalSheet, anchor: str = "") -> str:
    url = reverse("goals:sheet_detail", args=[sheet.pk])
    return f"{url}#{anchor}" if anchor else url


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go after an action: a safe `next` (the planning list), else `default`."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Follow up with a full page: a redirect, or for htmx a client-side one."""
    return HttpResponseClientRedirect(url) if wants_partial(request) else redirect(url)


def _message_only(request: HttpRequest, text: str, *, level=messages.ERROR) -> HttpResponse:
    """For htmx: swap nothing but the messages box. (Full pages use the messages framework.)"""
    messages.add_message(request, level, text)
    return reswap(render(request, "goals/_messages_oob.html"), "none")


def _refuse(request: HttpRequest, sheet: GoalSheet, text: str) -> HttpResponse:
    """An action the sheet's state does not allow now: say why and show the sheet again."""
    if wants_partial(request):
        return _message_only(request, text)
    messages.error(request, text)
    return redirect(_sheet_url(sheet))


def _not_editable(request: HttpRequest, sheet: GoalSheet) -> HttpResponse | None:
    if sheet.is_editable:
        return None
    return _refuse(request, sheet, services.NOT_EDITABLE.format(status=sheet.get_status_display()))


CONFLICT_TEXT = (
    "ほかの人が先に更新しました。下の変更内容を確認し、必要なら入力を直してから、"
    "もう一度保存してください（保存すると、あなたの入力で上書きされます）。"
)


def _with_version(data: QueryDict, version: int) -> QueryDict:
    """The user's input kept as typed, now based on the version they have just been shown."""
    data = data.copy()
    data["version"] = str(version)
    return data


def _table_context(request: HttpRequest, sheet_pk: int) -> dict:
    """What the items table needs, read in a constant number of queries."""
    sheet = sheet_for_request(request, sheet_pk, content=True)
    access = sheet_access(request.user, sheet)
    rows = selectors.sheet_rows(sheet.items.all())
    statuses = achievement_status_by_item(sheet=sheet) if not sheet.is_editable else {}
    # Filed reviews beside each item, every section's (reviews are filed on accepted sheets).
    reviews = {} if sheet.is_editable else review_summaries_by_item(sheet=sheet, user=request.user)
    for row in rows:
        row.achievement_status = statuses.get(row.item.pk, [])
        row.reviews = reviews.get(row.item.pk, [])
    can_edit = access is Access.WRITE and sheet.is_editable
    return {
        "sheet": sheet,
        "rows": rows,
        "can_edit": can_edit,
        "show_status": bool(statuses),
        "columns": 7 + bool(statuses) + can_edit,
        "deadline_suggestions": DEADLINE_SUGGESTIONS,
    }


def _row_response(request: HttpRequest, sheet: GoalSheet, item_pk: int) -> HttpResponse:
    """An item's row (htmx), with the 番号 cells of the other rows refreshed out of band:
    numbers shift and groups merge when items are added, renumbered or deleted."""
    context = _table_context(request, sheet.pk)
    context["row"] = next((row for row in context["rows"] if row.item.pk == item_pk), None)
    return render(request, "goals/_item_row_response.html", context)


def _items_response(request: HttpRequest, sheet: GoalSheet) -> HttpResponse:
    context = _table_context(request, sheet.pk)
    return render(request, "goals/_items_response.html", context)


# My sheets ----------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """My sheets: the departments I head this year, the planning staff's list of every
    department's sheet of a chosen year, and the other sheets I may read."""
    current = current_fiscal_year()
    entries = selectors.head_sheet_entries(user=request.user)
    shown = [entry.sheet.pk for entry in entries if entry.sheet]
    context = {
        "entries": entries,
        "current_year": current,
        "today": timezone.localdate(),
    }
    if sees_every_sheet(request.user):
        years = list(FiscalYear.objects.order_by("-year"))
        chosen = _chosen_year(request, years, current)
        context.update(
            planning=True,
            years=years,
            chosen_year=chosen,
            overview=selectors.department_sheet_overview(fiscal_year=chosen) if chosen else [],
            can_manage=can_manage_sheets_of_year(request.user, chosen.year if chosen else None),
        )
        if wants_partial(request):
            return render(request, "home.html#overview", context)
    else:
        context["others"] = list(selectors.other_visible_sheets(user=request.user, exclude=shown))
    return render(request, "home.html", context)


def _chosen_year(request: HttpRequest, years: list[FiscalYear], current: int):
    wanted = request.GET.get("year", "")
    by_year = {fiscal_year.year: fiscal_year for fiscal_year in years}
    if wanted.isdigit() and int(wanted) in by_year:
        return by_year[int(wanted)]
    return by_year.get(current) or (years[0] if years else None)


@require_http_methods(["GET", "POST"])
def sheet_create(request: HttpRequest) -> HttpResponse:
    """Start a department's sheet for a year: from its most recent earlier sheet, or empty."""
    source = request.POST if request.method == "POST" else request.GET
    department_pk, year = source.get("department", ""), source.get("year", "")
    if not (department_pk.isdigit() and year.isdigit()):
        raise Http404("部または年度が指定されていません。")
    department = get_object_or_404(Department, pk=int(department_pk))
    fiscal_year = get_object_or_404(FiscalYear, year=int(year))
    check_sheet_create(request.user, department=department, fiscal_year=fiscal_year)
    existing = GoalSheet.objects.filter(department=department, fiscal_year=fiscal_year).first()
    if existing is not None:
        messages.info(request, f"{fiscal_year.label}の{department.name}の整理表は既にあります。")
        return _go(request, _sheet_url(existing))
    previous = selectors.previous_sheet(department=department, fiscal_year=fiscal_year)
    initial = SheetCreateForm.SOURCE_PREVIOUS if previous else SheetCreateForm.SOURCE_EMPTY
    form = SheetCreateForm(request.POST or None, initial={"source": initial})
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["source"] == SheetCreateForm.SOURCE_PREVIOUS:
                sheet = services.sheet_start_from_previous(
                    department=department, fiscal_year=fiscal_year, user=request.user
                )
                messages.success(
                    request,
                    f"{previous.fiscal_year.label}の整理表から作成しました。"
                    "今年度の内容に直してから提出してください。",
                )
            else:
                sheet = services.sheet_create(
                    department=department, fiscal_year=fiscal_year, user=request.user
                )
                messages.success(request, "空の整理表を作成しました。項目を追加してください。")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _go(request, _sheet_url(sheet))
    context = {
        "form": form,
        "department": department,
        "fiscal_year": fiscal_year,
        "previous": previous,
    }
    return render(request, page_or_partial(request, "goals/sheet_create.html", "form"), context)


# The sheet page -----------------------------------------------------------------------------


@require_GET
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if wants_partial(request):
        return _items_response(request, sheet_for_request(request, pk))
    context = _table_context(request, pk)
    context.update(_header_context(request, context["sheet"]))
    return render(request, "goals/sheet_detail.html", context)


def _header_context(request: HttpRequest, sheet: GoalSheet, **extra) -> dict:
    can_write = sheet_access(request.user, sheet) is Access.WRITE
    context = {
        "sheet": sheet,
        "date_line": selectors.sheet_date_line(sheet),
        "can_write": can_write,
        "can_edit": can_write and sheet.is_editable,
        "can_manage": can_manage_sheet_workflow(request.user, sheet),
        "snapshots": list(selectors.sheet_snapshots(sheet=sheet)),
        "returned": (
            selectors.last_return(sheet=sheet) if sheet.status == SheetStatus.RETURNED else None
        ),
        "signer_form": SignerForm(),
        "editing_signer": None,
        "active_tab": "sheet",
    }
    context.update(extra)
    return context


# Header and signers -------------------------------------------------------------------------


@require_GET
def sheet_header(request: HttpRequest, pk: int) -> HttpResponse:
    """The 作成日 line as shown (what cancelling the header form swaps back in)."""
    sheet = sheet_for_request(request, pk)
    if not wants_partial(request):
        return redirect(_sheet_url(sheet))
    selectors.sheet_content_load(sheet)
    return render(request, "goals/_sheet_head.html#dates", _header_context(request, sheet))


@require_http_methods(["GET", "POST"])
def sheet_header_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = sheet_for_request(request, pk, write=True)
    if refused := _not_editable(request, sheet):
        return refused
    form = HeaderForm(
        request.POST or None, initial={"created_on": sheet.created_on, "version": sheet.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.sheet_header_update(
                sheet=sheet,
                created_on=form.cleaned_data["created_on"],
                version=form.cleaned_data["version"],
                user=request.user,
            )
        except EditConflict as error:
            conflict = error
            fresh = GoalSheet.objects.get(pk=sheet.pk)
            saved = {"created_on": fresh.created_on, "version": fresh.version}
            merge = form.merged_after(error, saved=saved)
            form = HeaderForm(
                initial={
                    **saved,
                    **merge.initial,
                    "base": encode_base({"created_on": saved["created_on"]}),
                }
            )
            form.show_merge(merge)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if wants_partial(request):
                fresh = selectors.sheet_with_content(pk=sheet.pk)
                return render(
                    request, "goals/_sheet_head.html#dates", _header_context(request, fresh)
                )
            messages.success(request, "作成日を変更しました。")
            return redirect(_sheet_url(sheet))
    context = {
        "sheet": sheet,
        "form": form,
        "conflict": conflict,
        "in_place": wants_partial(request),
    }
    return render(
        request, page_or_partial(request, "goals/sheet_header_form.html", "form"), context
    )


def _signers_response(request: HttpRequest, sheet: GoalSheet, **extra) -> HttpResponse:
    sheet = selectors.sheet_with_content(pk=sheet.pk)
    return render(
        request, "goals/_sheet_head.html#signers", _header_context(request, sheet, **extra)
    )


@require_http_methods(["GET", "POST"])
def signer_add(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = sheet_for_request(request, pk, write=True)
    if refused := _not_editable(request, sheet):
        return refused
    form = SignerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.signer_add(sheet=sheet, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if wants_partial(request):
                return _signers_response(request, sheet)
            messages.success(request, "署名者を追加しました。")
            return redirect(_sheet_url(sheet, "sheet-signers"))
    if wants_partial(request):
        return _signers_response(request, sheet, signer_form=form)
    context = {"sheet": sheet, "form": form, "signer": None}
    return render(request, "goals/signer_form.html", context)


@require_http_methods(["GET", "POST"])
def signer_edit(request: HttpRequest, pk: int, signer_pk: int) -> HttpResponse:
    sheet, signer = _signer_for(request, pk, signer_pk)
    if refused := _not_editable(request, sheet):
        return refused
    form = SignerForm(
        request.POST or None, signer=signer, initial={"title": signer.title, "name": signer.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.signer_update(signer=signer, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if wants_partial(request):
                return _signers_response(request, sheet)
            messages.success(request, "署名者を変更しました。")
            return redirect(_sheet_url(sheet, "sheet-signers"))
    if wants_partial(request):
        return _signers_response(request, sheet, editing_signer=signer.pk, editing_form=form)
    context = {"sheet": sheet, "form": form, "signer": signer}
    return render(request, "goals/signer_form.html", context)


@require_http_methods(["GET", "POST"])
def signer_remove(request: HttpRequest, pk: int, signer_pk: int) -> HttpResponse:
    """GET asks for confirmation (the page without JavaScript); POST removes."""
    sheet, signer = _signer_for(request, pk, signer_pk)
    if refused := _not_editable(request, sheet):
        return refused
    if request.method == "POST":
        services.signer_remove(signer=signer, user=request.user)
        if wants_partial(request):
            return _signers_response(request, sheet)
        messages.success(request, f"署名者「{signer}」を削除しました。")
        return redirect(_sheet_url(sheet, "sheet-signers"))
    context = {"sheet": sheet, "signer": signer}
    return render(request, page_or_partial(request, "goals/signer_remove.html", "confirm"), context)


@require_POST
def signer_move(request: HttpRequest, pk: int, signer_pk: int) -> HttpResponse:
    sheet, signer = _signer_for(request, pk, signer_pk)
    if refused := _not_editable(request, sheet):
        return refused
    form = MoveForm(request.POST)
    if form.is_valid():
        services.signer_move(
            signer=signer, direction=form.cleaned_data["direction"], user=request.user
        )
    if wants_partial(request):
        return _signers_response(request, sheet)
    return redirect(_sheet_url(sheet, "sheet-signers"))


# Items in place -----------------------------------------------------------------------------


@require_GET
def item_row(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """An item's row as shown: what cancelling its form swaps back in."""
    sheet, item = item_for_request(request, pk, item_pk)
    if not wants_partial(request):
        return redirect(_sheet_url(sheet, f"item-{item.pk}"))
    return _row_response(request, sheet, item.pk)


def _item_form_page(request: HttpRequest, context: dict) -> HttpResponse:
    context["in_place"] = wants_partial(request)
    context.setdefault("deadline_suggestions", DEADLINE_SUGGESTIONS)
    context.setdefault("columns", 8)
    return render(request, page_or_partial(request, "goals/item_form.html", "form_row"), context)


def _after_item(request: HttpRequest, sheet: GoalSheet) -> GoalItem | None:
    wanted = request.POST.get("after") or request.GET.get("after") or ""
    if not wanted.isdigit():
        return None
    return GoalItem.objects.filter(pk=int(wanted), sheet=sheet).first()


def _default_number(sheet: GoalSheet, after: GoalItem | None) -> int:
    items = list(sheet.items.order_by("position", "id").values_list("number", flat=True))
    sequential = items == list(range(1, len(items) + 1))
    if after is None:
        return max(items, default=0) + 1
    return after.number + 1 if sequential else after.number


@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new item: at the end, or right below `after`."""
    sheet = sheet_for_request(request, pk, write=True)
    if refused := _not_editable(request, sheet):
        return refused
    after = _after_item(request, sheet)
    form = ItemForm(
        request.POST or None,
        sheet=sheet,
        after=after,
        initial={
            "number": _default_number(sheet, after),
            "continues_title": False,
            "once": once_new(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                sheet=sheet,
                data=form.to_input(),
                after=after,
                user=request.user,
                once=form.cleaned_data["once"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if wants_partial(request):
                return _row_response(request, sheet, item.pk)
            messages.success(request, f"番号{item.number}の項目を追加しました。")
            return redirect(_sheet_url(sheet, f"item-{item.pk}"))
    context = {"sheet": sheet, "form": form, "item": None, "after": after}
    return _item_form_page(request, context)


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    sheet, item = item_for_request(request, pk, item_pk, write=True)
    if refused := _not_editable(request, sheet):
        return refused
    form = ItemForm(
        request.POST or None, sheet=sheet, item=item, initial=ItemForm.initial_for(item)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                item=item,
                data=form.to_input(),
                version=form.cleaned_data["version"] or 0,
                user=request.user,
            )
        except EditConflict as error:
            conflict = error
            fresh = GoalItem.objects.prefetch_related("carriers").get(pk=item.pk)
            saved = ItemForm.initial_for(fresh)
            merge = form.merged_after(error, saved=saved)
            base = encode_base({name: saved[name] for name in ItemForm.merged_fields})
            form = ItemForm(
                sheet=sheet, item=fresh, initial={**saved, **merge.initial, "base": base}
            )
            form.show_merge(merge)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if wants_partial(request):
                return _row_response(request, sheet, item.pk)
            messages.success(request, f"番号{item.number}の項目を保存しました。")
            return redirect(_sheet_url(sheet, f"item-{item.pk}"))
    context = {"sheet": sheet, "form": form, "item": item, "conflict": conflict}
    return _item_form_page(request, context)


@require_http_methods(["GET", "POST"])
def item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """GET asks for confirmation (in the row with htmx, a page without); POST deletes."""
    sheet, item = item_for_request(request, pk, item_pk, write=True)
    if refused := _not_editable(request, sheet):
        return refused
    form = VersionForm(request.POST or None, initial={"version": item.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.item_delete(item=item, version=form.cleaned_data["version"], user=request.user)
        except EditConflict as error:
            conflict = error
            form = VersionForm({"version": error.current_version})
            form.is_valid()
            form.add_error(
                None,
                "ほかの人がこの項目を先に変更しました。変更内容を確認して、"
                "それでも削除するときはもう一度「削除する」を押してください。",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            text = f"番号{item.number}の項目を削除しました。"
            if wants_partial(request):
                messages.success(request, text)
                context = _table_context(request, sheet.pk)
                return render(request, "goals/_item_row_response.html", context)
            messages.success(request, text)
            return redirect(_sheet_url(sheet))
    item_context = _table_context(request, sheet.pk)
    context = {
        "sheet": sheet,
        "item": item,
        "form": form,
        "conflict": conflict,
        "columns": item_context["columns"],
        "row": next((row for row in item_context["rows"] if row.item.pk == item.pk), None),
        "in_place": wants_partial(request),
    }
    return render(
        request, page_or_partial(request, "goals/item_delete.html", "confirm_row"), context
    )


@require_POST
def item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    sheet, item = item_for_request(request, pk, item_pk, write=True)
    if refused := _not_editable(request, sheet):
        return refused
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _refuse(request, sheet, "移動の向きが正しくありません。")
    try:
        services.item_move(item=item, direction=form.cleaned_data["direction"], user=request.user)
    except ValidationError as error:
        return _refuse(request, sheet, " ".join(error.messages))
    if wants_partial(request):
        return _items_response(request, sheet)
    return redirect(_sheet_url(sheet, f"item-{item.pk}"))


@require_POST
def items_renumber(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = sheet_for_request(request, pk, write=True)
    if refused := _not_editable(request, sheet):
        return refused
    changed = services.items_renumber(sheet=sheet, user=request.user)
    text = f"番号を振り直しました（{changed}項目）。" if changed else "番号は既に順番どおりです。"
    messages.success(request, text)
    if wants_partial(request):
        return _items_response(request, sheet)
    return redirect(_sheet_url(sheet))


# Workflow -----------------------------------------------------------------------------------


def _workflow(request: HttpRequest, sheet: GoalSheet, action, success: str, **kwargs):
    """Run a workflow service with the version the user saw; report the outcome as a message
    and show the page again (or the planning list the action came from)."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "画面が古くなっています。読み込み直してから、もう一度操作してください。"
        )
        return _go(request, _sheet_url(sheet))
    try:
        action(sheet=sheet, version=form.cleaned_data["version"], user=request.user, **kwargs)
    except EditConflict as conflict:
        changes = "、".join(f"{entry.user}さんが{entry.action}" for entry in conflict.changes)
        messages.error(
            request,
            "ほかの人が先に更新しました"
            + (f"（{changes}）" if changes else "")
            + "。内容を確認してから、もう一度操作してください。",
        )
        return _go(request, _sheet_url(sheet))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _go(request, _sheet_url(sheet))
    messages.success(request, success)
    return _go(request, _next_url(request, _sheet_url(sheet)))


@require_POST
def sheet_submit(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = sheet_for_request(request, pk, write=True)
    return _workflow(
        request,
        sheet,
        services.sheet_submit,
        "提出しました。企画・政策担当が確認します。",
    )


@require_POST
def sheet_accept(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = sheet_for_request(request, pk)
    check_sheet_workflow(request.user, sheet)
    return _workflow(request, sheet, services.sheet_accept, f"{sheet}の整理表を承認しました。")


@require_POST
def sheet_revise(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = sheet_for_request(request, pk, write=True)
    return _workflow(
        request,
        sheet,
        services.sheet_revise,
        "見直しを始めました。直し終えたら、もう一度提出してください。",
    )


@require_http_methods(["GET", "POST"])
def sheet_return(request: HttpRequest, pk: int) -> HttpResponse:
    """差し戻し: back to the head with a comment (GET shows the form)."""
    sheet = sheet_for_request(request, pk)
    check_sheet_workflow(request.user, sheet)
    if sheet.status != SheetStatus.SUBMITTED:
        return _refuse(request, sheet, "差し戻せるのは提出済みの整理表だけです。")
    form = ReturnForm(request.POST or None, initial={"version": sheet.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.sheet_return(
                sheet=sheet,
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
                user=request.user,
            )
        except EditConflict as conflict:
            form = ReturnForm(_with_version(request.POST, conflict.current_version))
            form.is_valid()
            form.add_error(None, "ほかの人が先に更新しました。内容を確認してください。")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{sheet}の整理表を差し戻しました。")
            return _go(request, _next_url(request, _sheet_url(sheet)))
    context = {
        "sheet": sheet,
        "form": form,
        "next": _next_url(request, ""),
        "in_place": wants_partial(request),
    }
    return render(request, page_or_partial(request, "goals/sheet_return.html", "form"), context)


# History and accepted versions --------------------------------------------------------------


@require_GET
def sheet_history(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = sheet_for_request(request, pk, content=True)
    page = Paginator(
        history.sheet_history(sheet=sheet, user=request.user), HISTORY_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = _header_context(request, sheet)
    context.update(
        active_tab="history",
        page=page,
        entries=history.history_entries(page.object_list),
    )
    return render(request, page_or_partial(request, "goals/sheet_history.html", "entries"), context)


@require_GET
def snapshot_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """An accepted version as it was accepted, read-only."""
    sheet = sheet_for_request(request, pk)
    snapshot = get_object_or_404(
        SheetSnapshot.objects.select_related("accepted_by"), sheet=sheet, number=number
    )
    context = {
        "sheet": sheet,
        "snapshot": snapshot,
        "data": snapshot.data,
        "rows": selectors.snapshot_rows(snapshot.data),
        "snapshots": list(selectors.sheet_snapshots(sheet=sheet)),
    }
    return render(request, page_or_partial(request, "goals/snapshot_detail.html", "table"), context)
