"""Cross-cutting request handling."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session has expired gets a full-page redirect to the login page.

    Without this, htmx would follow the 302 and swap the login page into a table row.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = resolve_url(settings.LOGIN_URL)

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response.get("Location", "").startswith(self.login_path)
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's, except that a view marked `login_not_required` is let through before the user
    is looked up: the public pages (/public/) never touch the session, so they carry no
    `Vary: Cookie` and a CDN or proxy can share them between readers."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
