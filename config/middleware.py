"""Cross-cutting request handling."""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.template import loader
from django.urls import Resolver404, resolve
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session has expired is not answered with the login page.

    Without this, htmx would follow the 302 and swap the login page into a table row. A save
    (any method but GET) gets 401 and the `session-expired` event: the page opens its in-page
    sign-in (templates/registration/_session_resume.html, static/js/app.js) and sends the save
    again afterwards, so the text typed survives. A GET, which carries nothing typed, gets a
    full-page redirect to the login page.
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
            if request.method == "GET":
                return HttpResponseClientRedirect(response["Location"])
            expired = HttpResponse("ログインの有効期限が切れました。", status=401)
            return trigger_client_event(expired, "session-expired")
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's, except that a view marked `login_not_required` is let through before the user
    is looked up: the public pages (/public/) never touch the session, so they carry no
    `Vary: Cookie` and a CDN or proxy can share them between readers."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RequestBodyLimitMiddleware:
    """Refuses an over-size request body from its Content-Length, before anything reads it.

    Placed ahead of the session and CSRF middleware: CSRF reads `request.POST`, and Django writes
    a file part over FILE_UPLOAD_MAX_MEMORY_SIZE to the temp directory while parsing it, whoever
    sends it (an anonymous `POST /login/` included). Every URL allows REQUEST_BODY_MAX_BYTES; the
    Excel import and the admin's import allow the upload limit (UPLOAD_MAX_BYTES) plus
    REQUEST_BODY_UPLOAD_MARGIN_BYTES for the form around the file. A body without Content-Length
    (chunked) is refused: Django would read it as empty, and no browser form sends one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared:
            if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                return self.refuse(request, status=411, limit=settings.REQUEST_BODY_MAX_BYTES)
            return self.get_response(request)
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0:
            return self.refuse(request, status=400, limit=settings.REQUEST_BODY_MAX_BYTES)
        if length > settings.REQUEST_BODY_MAX_BYTES:
            if not self.is_upload(request):
                return self.refuse(request, status=413, limit=settings.REQUEST_BODY_MAX_BYTES)
            if length > settings.UPLOAD_MAX_BYTES + settings.REQUEST_BODY_UPLOAD_MARGIN_BYTES:
                return self.refuse(
                    request, status=413, limit=settings.UPLOAD_MAX_BYTES, upload=True
                )
        return self.get_response(request)

    @staticmethod
    def is_upload(request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        if match.view_name in settings.REQUEST_BODY_UPLOAD_URL_NAMES:
            return True
        # django-import-export's pages in the admin: <app>_<model>_import, _process_import.
        return match.namespace == "admin" and (match.url_name or "").endswith("_import")

    @staticmethod
    def refuse(request, *, status: int, limit: int, upload: bool = False) -> HttpResponse:
        context = {
            "city_name": settings.CITY_NAME,
            "status": status,
            "limit_mb": max(1, limit // 1024 // 1024),
            "upload": upload,
            "fragment": request.META.get("HTTP_HX_REQUEST") == "true",
        }
        body = loader.get_template("errors/request_too_large.html").render(context)
        response = HttpResponse(body, status=status)
        # The body was not read: the connection cannot carry another request.
        response["Connection"] = "close"
        return response


class PrivatePagesMiddleware:
    """Responses to a signed-in user are `Cache-Control: private, no-store`.

    Every page, partial and download shown to a signed-in user holds the city's unpublished
    plans and reviews: no shared proxy may keep them, and the browser must not keep them on
    disk for the next person at a shared desk (the back button after logging out).
    Static files never get here (WhiteNoise answers them first) and keep their long cache
    lifetimes. The login page (anonymous) is already `no-store` through Django's `never_cache`;
    other anonymous responses are redirects to it or error pages and are left as they are.
    """

    VALUE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_public_page(request):
            # The same for everyone and rendered without the visitor: left shareable, and the
            # session is not touched (no `Vary: Cookie`).
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = self.VALUE
        return response


def is_public_page(request) -> bool:
    """A view of the public site (marked `public_page` by publication.http.public_view)."""
    match = getattr(request, "resolver_match", None)
    return bool(match and getattr(match.func, "public_page", False))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy under ADMIN_PATH_PREFIX.

    The site's policy (CONTENT_SECURITY_POLICY) allows scripts and styles from our own files
    only. The Django admin and django-import-export need a little more, and only that is added
    for /admin/ (ADMIN_CONTENT_SECURITY_POLICY_REPLACE): inline styles (the change list's
    `<style>` without actions, the export page's `style` attributes) and the export page's one
    event handler, by its hash. Every admin script is a file of ours.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.ADMIN_PATH_PREFIX):
            parts.replace = {
                **settings.ADMIN_CONTENT_SECURITY_POLICY_REPLACE,
                **(parts.replace or {}),
            }
        return parts
