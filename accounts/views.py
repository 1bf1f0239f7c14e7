"""Planning staff's accounts page: the list, creating an account by hand, sending the link."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import AccountCreateForm
from core.http import page_or_partial
from departments.permissions import check_manage_accounts

ACCOUNTS_PER_PAGE = 100


@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    check_manage_accounts(request.user)
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.accounts_for_management(query=query), ACCOUNTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    template = page_or_partial(request, "accounts/account_list.html", "account_table")
    return render(request, template, {"page": page, "query": query})


@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    check_manage_accounts(request.user)
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                account = services.account_create(**form.cleaned_data, user=request.user)
                services.account_send_password_link(
                    account=account, base_url=request.build_absolute_uri("/"), user=request.user
                )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"{account.last_name} {account.first_name}さん（職員番号 {account.username}）の"
                "アカウントを作成し、パスワードを設定するためのリンクを"
                f" {account.email} に送りました。",
            )
            return redirect("accounts:list")
    return render(
        request,
        "accounts/account_create.html",
        {"form": form, "valid_days": services.password_link_valid_days()},
    )


@require_POST
def account_send_password_link(request: HttpRequest, pk: int) -> HttpResponse:
    check_manage_accounts(request.user)
    account = get_object_or_404(get_user_model(), pk=pk)
    try:
        with transaction.atomic():
            services.account_send_password_link(
                account=account, base_url=request.build_absolute_uri("/"), user=request.user
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"{account.username}: {message}")
    else:
        messages.success(
            request,
            f"{account.last_name} {account.first_name}さんに、パスワードを設定するためのリンクを"
            f" {account.email} に送りました。",
        )
    return redirect("accounts:list")


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)
