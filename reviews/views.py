"""Review pages: My reviews, a review's form, a sheet's reviews, the dashboard, search, years.

Every view asks `departments.permissions` first (another department's object is a 404, a
read-only one a 403) and renders its page, or for an htmx request only the part it replaces.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.editing import encode_base
from core.http import attachment, page_or_partial, wants_partial
from core.text import split_bullets
from departments.models import Department, Section
from departments.permissions import (
    can_assign_common_reviewer,
    can_confirm_reviews,
    can_reopen_reviews,
    check_common_reviewer_assignment,
    check_planning,
    check_review,
    check_review_reopen,
)
from excel import xlsx
from goals import services as goal_services
from goals.access import sheet_for_request
from goals.models import FiscalYear, GoalItem, GoalSheet
from reviews import charts, selectors, services
from reviews.access import review_for_request
from reviews.forms import (
    CommonReviewerForm,
    ConfirmForm,
    FiscalYearForm,
    ReopenForm,
    ReturnForm,
    ReviewSearchForm,
    review_form_class,
)
from reviews.models import Review, Stage

SEARCH_PAGE_SIZE = 50


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's messages beside the fields they concern (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _chosen_year(request: HttpRequest) -> FiscalYear:
    raw = request.GET.get("year", "")
    if raw and not raw.isdigit():
        raise Http404("年度が見つかりません。")
    fiscal_year = selectors.fiscal_year_for(int(raw) if raw else None)
    if fiscal_year is None:
        raise Http404("年度が登録されていません。企画・政策担当が年度を登録してください。")
    return fiscal_year


def _item(item_pk: int) -> GoalItem:
    try:
        return selectors.item_for_reviews(pk=item_pk)
    except GoalItem.DoesNotExist:
        raise Http404("実施項目が見つかりません。") from None


def _reviewer(section_pk: int | None) -> Section | None:
    """The section of the URL; None: the department's review of a 共通 item."""
    return None if section_pk is None else get_object_or_404(Section, pk=section_pk)


# My reviews ---------------------------------------------------------------------------------


@require_GET
def my_reviews(request: HttpRequest) -> HttpResponse:
    fiscal_year = _chosen_year(request)
    groups = selectors.my_reviews(user=request.user, fiscal_year=fiscal_year)
    context = {
        "fiscal_year": fiscal_year,
        "groups": groups,
        "years": selectors.fiscal_years_all(),
        "stage_windows": {
            stage: selectors.stage_window(fiscal_year, stage) for stage in selectors.STAGES
        },
        "focus": selectors.stage_in_focus(fiscal_year),
        "today": timezone.localdate(),
    }
    return render(request, page_or_partial(request, "reviews/my_reviews.html", "content"), context)


@require_POST
def common_reviewer(request: HttpRequest, item_pk: int) -> HttpResponse:
    """The head names the section that files a 共通 item's reviews."""
    item = _item(item_pk)
    sheet = item.sheet
    check_common_reviewer_assignment(request.user, sheet)
    if not item.is_common:
        raise Http404("共通の項目ではありません。")
    sections = list(
        Section.objects.filter(department=sheet.department).active_in(sheet.fiscal_year.year)
    )
    form = CommonReviewerForm(request.POST, sections=sections)
    error = notice = None
    if form.is_valid():
        try:
            services.common_reviewer_assign(
                item=item, section=form.cleaned_data["section"], user=request.user
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            section = form.cleaned_data["section"]
            notice = f"確認は{section.name if section else '部長'}が記入します。"
    else:
        error = "課を選び直してください。"
    if not wants_partial(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect(f"{reverse('reviews:my_reviews')}?year={sheet.fiscal_year.year}")
    item = _item(item_pk)
    row = selectors.my_review_row(
        user=request.user, item=item, section=item.common_reviewer_section
    )
    return render(
        request,
        "reviews/my_reviews.html#item_row",
        {
            "row": row,
            "group": {"sections": sections, "is_head": True, "sheet": sheet},
            "fiscal_year": sheet.fiscal_year,
            "row_error": error,
            "row_notice": notice,
        },
    )


# One review: the form, or what was filed ----------------------------------------------------


def _review_context(request, *, item, section, stage, form=None, **extra) -> dict:
    slot = selectors.review_slot(item=item, section=section, stage=stage, user=request.user)
    fiscal_year = item.sheet.fiscal_year
    reason = services.review_unwritable_reason(
        fiscal_year=fiscal_year, stage=stage, review=slot.review
    )
    editable = slot.can_write and reason is None
    if editable and form is None:
        form = _initial_form(slot, fiscal_year)
    window = selectors.stage_window(fiscal_year, stage)
    context = {
        "item": item,
        "sheet": item.sheet,
        "fiscal_year": fiscal_year,
        "slot": slot,
        "stage": stage,
        "stage_label": Stage(stage).label,
        "deadline": selectors.stage_deadline(fiscal_year, stage),
        "today": timezone.localdate(),
        "editable": editable,
        "reason": reason if slot.can_write else None,
        "form": form if editable else None,
        "can_reopen": window == selectors.CLOSED
        and can_reopen_reviews(request.user, fiscal_year.year)
        and not slot.is_reopened,
        "reopen_form": ReopenForm(),
        "can_confirm": can_confirm_reviews(request.user, item.sheet),
        "companion": slot.companion if stage == Stage.YEAR_END else None,
        "achievement_bullets": split_bullets(item.display_achievement),
    }
    context.update(extra)
    return context


def _initial_form(slot, fiscal_year):
    form_class = review_form_class(slot.stage)
    review = slot.review
    initial = {"version": review.version if review else 0}
    if review is not None:
        initial.update({name: getattr(review, name) for name in form_class.value_fields})
    return form_class(initial=initial, fiscal_year=fiscal_year)


@require_http_methods(["GET", "POST"])
def review_edit(
    request: HttpRequest, item_pk: int, stage: str, section_pk: int | None = None
) -> HttpResponse:
    item = _item(item_pk)
    section = _reviewer(section_pk)
    check_review(request.user, item=item, section=section)
    if not selectors.is_reviewer_of(item, section):
        raise Http404("この課の確認はありません。")
    template = page_or_partial(request, "reviews/review_edit.html", "review_form")
    if request.method == "GET":
        return render(
            request, template, _review_context(request, item=item, section=section, stage=stage)
        )

    check_review(request.user, item=item, section=section, write=True)
    fiscal_year = item.sheet.fiscal_year
    form_class = review_form_class(stage)
    form = form_class(request.POST, fiscal_year=fiscal_year)
    submitting = request.POST.get("action") == "submit"
    conflict = None
    if form.is_valid():
        write = services.review_submit if submitting else services.review_save_draft
        try:
            write(
                item=item,
                section=section,
                stage=stage,
                values=form.values(),
                version=form.cleaned_data["version"],
                user=request.user,
            )
        except services.ReviewConflict as exc:
            conflict = exc
            # Merged (core.editing): the fields the writer did not change take the saved text.
            saved = {name: getattr(exc.review, name) for name in form.merged_fields}
            merge = form.merged_after(exc, saved=saved)
            form = form_class(
                initial={
                    **merge.initial,
                    "version": exc.current_version,
                    "base": encode_base(saved),
                },
                fiscal_year=fiscal_year,
            )
            form.show_merge(merge)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            notice = (
                "提出しました。部長の確認を待っています。"
                if submitting
                else "下書きを保存しました。"
            )
            if not wants_partial(request):
                messages.success(request, notice)
                return redirect(request.path)
            item = _item(item_pk)
            return render(
                request,
                template,
                _review_context(request, item=item, section=section, stage=stage, notice=notice),
            )
    item = _item(item_pk)
    context = _review_context(
        request,
        item=item,
        section=section,
        stage=stage,
        form=form,
        conflict=conflict,
        submitting=submitting,
    )
    if not context["editable"]:
        # The review became read-only meanwhile (submitted, confirmed, phase closed): show the
        # reason and still give back what was typed.
        context["form"] = form
        context["editable"] = True
        context["locked"] = True
    return render(request, template, context)


@require_POST
def review_reopen(
    request: HttpRequest, item_pk: int, stage: str, section_pk: int | None = None
) -> HttpResponse:
    item = _item(item_pk)
    section = _reviewer(section_pk)
    check_review_reopen(request.user, item=item, section=section)
    if not selectors.is_reviewer_of(item, section):
        raise Http404("この課の確認はありません。")
    form = ReopenForm(request.POST)
    error = notice = None
    if form.is_valid():
        try:
            services.review_reopen(
                item=item,
                section=section,
                stage=stage,
                user=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            notice = "再開しました。記入者が期限後も記入・提出できます。"
    else:
        error = "再開の理由は2000文字以内で入力してください。"
    args = [item.pk, stage] + ([section.pk] if section else [])
    if not wants_partial(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect("reviews:review_edit", *args)
    item = _item(item_pk)
    context = _review_context(
        request, item=item, section=section, stage=stage, notice=notice, error=error
    )
    return render(request, "reviews/review_edit.html#review_form", context)


# Confirming and returning (the department head) ---------------------------------------------


def _overview_url(review: Review) -> str:
    url = reverse("reviews:sheet_reviews", args=[review.item.sheet_id])
    return f"{url}?stage={review.stage}#item-{review.item_id}"


def _card(request, review: Review, **extra) -> HttpResponse:
    item = _item(review.item_id)
    slot = selectors.review_slot(
        item=item, section=review.section, stage=review.stage, user=request.user
    )
    context = {
        "slot": slot,
        "sheet": item.sheet,
        "fiscal_year": item.sheet.fiscal_year,
        "can_confirm": True,
        "return_form": ReturnForm(initial={"version": slot.review.version}),
    }
    context.update(extra)
    return render(request, "reviews/sheet_reviews.html#review_card", context)


@require_POST
def review_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_for_request(request, pk, confirm=True)
    form = ConfirmForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.review_confirm(
                review=review, version=form.cleaned_data["version"], user=request.user
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "画面を読み込み直してから、もう一度確認してください。"
    if not wants_partial(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "確認しました。")
        return redirect(_overview_url(review))
    return _card(request, review, card_error=error, card_notice=None if error else "確認しました。")


@require_http_methods(["GET", "POST"])
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Return with a comment. The form sits in each card; this page is its fallback."""
    review = review_for_request(request, pk, confirm=True)
    if request.method == "GET":
        form = ReturnForm(initial={"version": review.version})
        return render(request, "reviews/review_return.html", {"review": review, "form": form})
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.review_return(
                review=review,
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
                user=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            notice = "差し戻しました。記入者に理由が表示されます。"
            if not wants_partial(request):
                messages.success(request, notice)
                return redirect(_overview_url(review))
            return _card(request, review, card_notice=notice)
    if not wants_partial(request):
        return render(request, "reviews/review_return.html", {"review": review, "form": form})
    return _card(request, review, return_form=form, return_open=True)


# A sheet's reviews ----------------------------------------------------------------------------


@require_GET
def sheet_reviews(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    sheet = sheet_for_request(request, sheet_pk)
    fiscal_year = sheet.fiscal_year
    stage = request.GET.get("stage")
    if stage not in Stage.values:
        stage = selectors.stage_in_focus(fiscal_year)
    show = request.GET.get("show", "")
    if show not in selectors.OVERVIEW_FILTERS:
        show = ""
    rows, counts = selectors.sheet_review_overview(
        sheet=sheet, stage=stage, user=request.user, show=show
    )
    context = {
        "sheet": sheet,
        "fiscal_year": fiscal_year,
        "stage": stage,
        "stage_label": Stage(stage).label,
        "stages": Stage.choices,
        "rows": rows,
        "counts": counts,
        "show": show,
        "filters": [(key, label) for key, (label, _) in selectors.OVERVIEW_FILTERS.items()],
        "deadline": selectors.stage_deadline(fiscal_year, stage),
        "window": selectors.stage_window(fiscal_year, stage),
        "can_confirm": can_confirm_reviews(request.user, sheet),
        "can_assign": can_assign_common_reviewer(request.user, sheet),
        "today": timezone.localdate(),
    }
    return render(
        request, page_or_partial(request, "reviews/sheet_reviews.html", "content"), context
    )


# Planning staff: the dashboard, who has not filed, search, the years -------------------------


def _dashboard_department(request, departments: list[Department], sheets: set[int]):
    """The department of the year-over-year charts: the one asked for, else the first with a
    sheet this year."""
    raw = request.GET.get("department", "")
    if raw.isdigit():
        chosen = next((d for d in departments if d.pk == int(raw)), None)
        if chosen is None:
            chosen = Department.objects.filter(pk=int(raw)).first()
        if chosen is not None:
            return chosen
    with_sheet = [department for department in departments if department.pk in sheets]
    return (with_sheet or departments or [None])[0]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    check_planning(request.user)
    fiscal_year = _chosen_year(request)
    today = timezone.localdate()
    context = {
        "fiscal_year": fiscal_year,
        "today": today,
        "mid_year_deadline": fiscal_year.mid_year_deadline,
        "year_end_deadline": fiscal_year.year_end_deadline,
        "windows": {
            stage: selectors.stage_window(fiscal_year, stage) for stage in selectors.STAGES
        },
    }
    if request.htmx and request.htmx.target == "year-over-year":
        # Only the department's charts change: skip the year's counts.
        partial = "year_over_year"
        departments = list(selectors.departments_of_year(fiscal_year))
        sheets = set(
            GoalSheet.objects.filter(fiscal_year=fiscal_year).values_list(
                "department_id", flat=True
            )
        )
    else:
        partial = "body"
        data = selectors.dashboard(fiscal_year=fiscal_year, today=today)
        departments = [summary.department for summary in data.departments]
        sheets = {summary.department.pk for summary in data.departments if summary.sheet}
        context["data"] = data
        context["years"] = selectors.fiscal_years_all()
        context["mark_chart"], context["level_chart"] = charts.distribution_charts(data)
    department = _dashboard_department(request, departments, sheets)
    context["departments"] = departments
    context["department"] = department
    if department is not None:
        context["yoy_marks"], context["yoy_levels"] = charts.year_over_year_charts(
            department, selectors.department_years(department=department)
        )
    return render(request, page_or_partial(request, "reviews/dashboard.html", partial), context)


@require_GET
def unfiled(request: HttpRequest) -> HttpResponse:
    check_planning(request.user)
    fiscal_year = _chosen_year(request)
    stage = request.GET.get("stage")
    if stage not in Stage.values:
        stage = selectors.stage_in_focus(fiscal_year)
    today = timezone.localdate()
    groups = selectors.unfiled_reviews(fiscal_year=fiscal_year, stage=stage)
    context = {
        "fiscal_year": fiscal_year,
        "years": selectors.fiscal_years_all(),
        "stage": stage,
        "stage_label": Stage(stage).label,
        "stages": Stage.choices,
        "groups": groups,
        "total": sum(group.count for group in groups),
        "deadline": selectors.stage_deadline(fiscal_year, stage),
        "today": today,
        "reminder": selectors.unfiled_reminder_text(
            fiscal_year=fiscal_year, stage=stage, groups=groups, today=today
        ),
    }
    return render(request, page_or_partial(request, "reviews/unfiled.html", "content"), context)


# Search results as Excel: the same query string, every matching row up to this many items.
SEARCH_EXPORT_LIMIT = 5000


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    check_planning(request.user)
    form = ReviewSearchForm(request.GET or None)
    page = filters = None
    if form.is_bound and form.is_valid():
        filters = form.filters()
        items = selectors.review_search(user=request.user, filters=filters)
        raw_page = request.GET.get("page", "")
        page = selectors.search_page(
            items,
            number=int(raw_page) if raw_page.isdigit() else 1,
            per_page=SEARCH_PAGE_SIZE,
        )
        for item in page.object_list:
            item.excerpt = selectors.search_excerpt(item, filters.terms)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "export_limit": SEARCH_EXPORT_LIMIT,
    }
    return render(request, page_or_partial(request, "reviews/search.html", "results"), context)


@require_GET
def search_xlsx(request: HttpRequest) -> HttpResponse:
    check_planning(request.user)
    form = ReviewSearchForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "検索条件を確かめてください。".encode(),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    items = selectors.review_search(user=request.user, filters=form.filters())
    rows = selectors.item_review_rows(user=request.user, items=items[:SEARCH_EXPORT_LIMIT])
    return attachment(*xlsx.items_table_xlsx(rows, title="検索結果"))


@require_GET
def fiscal_years(request: HttpRequest) -> HttpResponse:
    check_planning(request.user)
    years = selectors.fiscal_years_all()
    template = page_or_partial(request, "reviews/fiscal_years.html", "year_list")
    return render(request, template, {"years": years})


@require_http_methods(["GET", "POST"])
def fiscal_year_edit(request: HttpRequest, year: int) -> HttpResponse:
    check_planning(request.user)
    fiscal_year = selectors.fiscal_year_for(year)
    if fiscal_year is None:
        raise Http404("年度が見つかりません。")
    template = page_or_partial(request, "reviews/fiscal_year_edit.html", "year_form")
    if request.method == "GET":
        form = FiscalYearForm.for_year(fiscal_year)
        if request.htmx and request.GET.get("cancel"):
            return render(request, "reviews/fiscal_years.html#year_row", {"year": fiscal_year})
        return render(request, template, {"year": fiscal_year, "form": form})
    form = FiscalYearForm.for_year(fiscal_year, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            fiscal_year = goal_services.fiscal_year_update(
                fiscal_year=fiscal_year,
                phase=data["phase"],
                sheet_deadline=data["sheet_deadline"],
                mid_year_deadline=data["mid_year_deadline"],
                year_end_deadline=data["year_end_deadline"],
                user=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            notice = f"{fiscal_year.label}を「{fiscal_year.get_phase_display()}」の段階にしました。"
            if not wants_partial(request):
                messages.success(request, notice)
                return redirect("reviews:fiscal_years")
            return render(
                request,
                "reviews/fiscal_years.html#year_row",
                {"year": fiscal_year, "row_notice": notice},
            )
    return render(request, template, {"year": fiscal_year, "form": form})
