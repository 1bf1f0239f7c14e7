"""The user's own mail settings, and planning staff's list of undelivered mail."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from departments.permissions import check_undelivered_mail
from notifications import selectors, services, tasks
from notifications.forms import NotificationSettingForm
from notifications.models import Delivery

PER_PAGE = 50


@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Reminders on or off, for the signed-in user only (there is no other user's page)."""
    form = NotificationSettingForm(
        # An unticked box posts nothing: the form is bound on every POST, empty or not.
        request.POST if request.method == "POST" else None,
        initial={"reminders_enabled": selectors.reminders_wanted(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        enabled = form.cleaned_data["reminders_enabled"]
        services.notification_setting_update(user=request.user, reminders_enabled=enabled)
        messages.success(
            request,
            "催促のメールを受け取ります。" if enabled else "催促のメールを止めました。",
        )
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@require_http_methods(["GET"])
def undelivered(request: HttpRequest) -> HttpResponse:
    check_undelivered_mail(request.user)
    page = Paginator(selectors.undelivered_mail(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/undelivered.html",
        {"page": page, "max_attempts": services.MAX_ATTEMPTS},
    )


@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    check_undelivered_mail(request.user)
    delivery = get_object_or_404(Delivery, pk=pk)
    delivery = services.delivery_requeue(delivery=delivery, user=request.user)
    if delivery.status == Delivery.Status.QUEUED:
        tasks.deliveries_enqueue([delivery.pk])
        messages.success(request, f"{delivery.to_address} あてのメールを送り直します。")
    else:
        messages.error(request, "このメールは送り直せません（宛先のメールアドレスがありません）。")
    return redirect("notifications:undelivered")
