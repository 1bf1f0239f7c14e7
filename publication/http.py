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


def public_view(cached: bool = True) -> Callable:
    """Decorate a public view: anonymous, GET/HEAD only, versioned cache, conditional GET."""

    def decorate(view):
        @login_not_required
        @require_safe
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            version = site_version()
            fingerprint = _fingerprint(request)
            etag = '"{}"'.format(
                hashlib.sha256(f"{version.key}:{fingerprint}".encode()).hexdigest()[:24]
            )
            last_modified = version.changed_at.timestamp() if version.changed_at else None
            not_modified = get_conditional_response(
                request, etag=etag, last_modified=last_modified and int(last_modified)
            )
            if not_modified is not None:
                return _headers(not_modified, etag=etag, version=version)
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
