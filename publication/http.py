"""How the public pages answer: no login, cached, and cacheable by a CDN or the city's proxy.

Every public response carries `Cache-Control: public, max-age=…`, an ETag and Last-Modified
derived from the site version (`PublicSiteState`, bumped by every publish and unpublish); a
conditional GET that matches answers 304 without rendering. Rendered pages are kept in Django's
cache under the site version, so a publish or unpublish makes them all stale at once, in every
process, whatever the cache backend.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_safe

from publication.selectors import SiteVersion, site_version

CACHE_SECONDS = 60 * 60 * 24  # the key changes with the version; this only bounds memory


def max_age() -> int:
    """How long a browser, CDN or proxy may show a page without asking again (settings
    PUBLIC_MAX_AGE, default 0: they keep it but revalidate every time, a 304 when unchanged,
    so that an unpublished sheet disappears at once everywhere)."""
    return settings.PUBLIC_MAX_AGE


def cache_control() -> str:
    seconds = max_age()
    return f"public, max-age={seconds}" + ("" if seconds else ", must-revalidate")


def public_render(template: str, context: dict, *, status: int = 200) -> HttpResponse:
    """Rendered without the request's context processors: nothing of the visitor (session,
    user, CSRF token) can enter a page that is shared by everyone."""
    context = {"city_name": settings.CITY_NAME, **context}
    return HttpResponse(render_to_string(template, context), status=status)


def _fingerprint(request: HttpRequest) -> str:
    return hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]


def _headers(response: HttpResponse, *, etag: str, version: SiteVersion) -> HttpResponse:
    response["ETag"] = etag
    if version.changed_at is not None:
        response["Last-Modified"] = http_date(version.changed_at.timestamp())
    response["Cache-Control"] = cache_control()
    return response


def etag_for(version: SiteVersion, fingerprint: str) -> str:
    return '"{}"'.format(hashlib.sha256(f"{version.key}:{fingerprint}".encode()).hexdigest()[:24])


def not_modified_response(request, version: SiteVersion, etag: str) -> HttpResponse | None:
    """304 when the reader's copy (If-None-Match / If-Modified-Since) is still current."""
    last_modified = version.changed_at.timestamp() if version.changed_at else None
    response = get_conditional_response(
        request, etag=etag, last_modified=last_modified and int(last_modified)
    )
    return None if response is None else _headers(response, etag=etag, version=version)


def public_view(cached: bool = True) -> Callable:
    """Decorate a public view: anonymous, GET/HEAD only, versioned cache, conditional GET."""

    def decorate(view):
        @login_not_required
        @require_safe
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            version = getattr(request, "public_site_version", None) or site_version()
            fingerprint = _fingerprint(request)
            etag = etag_for(version, fingerprint)
            not_modified = not_modified_response(request, version, etag)
            if not_modified is not None:
                return not_modified
            request.public_cacheable = cached
            key = f"public:{version.key}:{fingerprint}"
            stored = cache.get(key) if cached else None
            if stored is not None:
                content, content_type, extra = stored
                response = HttpResponse(content, content_type=content_type)
                for header, value in extra.items():
                    response[header] = value
            else:
                response = view(request, *args, version=version, **kwargs)
                if cached and response.status_code == 200 and not response.streaming:
                    extra = {
                        header: response[header]
                        for header in ("Content-Disposition",)
                        if response.has_header(header)
                    }
                    cache.set(
                        key, (response.content, response["Content-Type"], extra), CACHE_SECONDS
                    )
            if response.status_code != 200:
                return response
            return _headers(response, etag=etag, version=version)

        wrapper.public_page = True  # config.middleware: shared, never private
        return wrapper

    return decorate


def inline_file(filename: str, content_type: str, content: bytes) -> HttpResponse:
    """A published file shown in the browser (or saved) under its Japanese name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def download_file(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class PublicPageCacheMiddleware:
    """Answers a repeated GET of a public page from the cache before the rest of the middleware
    (sessions, CSRF, authentication, messages, CSP…) runs: the whole response as it left the
    stack the first time, every header included (CSP, X-Frame-Options, ETag, Cache-Control).

    Placed after SecurityMiddleware and WhiteNoise. Only a 200 of a `public_view` with caching,
    without cookies, is kept, under the site version: a publish or unpublish makes it stale.
    The host is still checked against ALLOWED_HOSTS; conditional GETs answer 304 here too.
    """

    PREFIX = "/public/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or not request.path_info.startswith(self.PREFIX):
            return self.get_response(request)
        request.get_host()  # DisallowedHost (400) for a host not in ALLOWED_HOSTS
        version = site_version()
        request.public_site_version = version
        fingerprint = _fingerprint(request)
        key = f"public-full:{version.key}:{fingerprint}"
        stored = cache.get(key)
        if stored is not None:
            not_modified = not_modified_response(request, version, etag_for(version, fingerprint))
            if not_modified is not None:
                return not_modified
            content, headers = stored
            response = HttpResponse(content)
            for header, value in headers:
                response[header] = value
            return response
        response = self.get_response(request)
        if (
            getattr(request, "public_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            cache.set(key, (response.content, list(response.items())), CACHE_SECONDS)
        return response
