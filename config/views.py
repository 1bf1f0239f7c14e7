"""Error pages that still work when the database does not."""

import sys

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

# A dropped or refused connection, a terminated backend, a deadlock: the transaction was rolled
# back (or, if the connection died during COMMIT, either committed whole or not at all).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a Japanese page, 503 when the database failed, 500 otherwise.

    Rendered without the request's context processors, which would query the database.
    """
    error = sys.exc_info()[1]
    unavailable = isinstance(error, DATABASE_UNAVAILABLE)
    template = "errors/database_unavailable.html" if unavailable else "500.html"
    body = loader.get_template(template).render({"city_name": settings.CITY_NAME})
    response = HttpResponse(body, status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = "30"
    return response


@login_not_required
@require_POST
def session_resume(request: HttpRequest) -> HttpResponse:
    """Sign in again inside the page, after the session expired during an htmx save.

    The same checks as the login page (AuthenticationForm, so django-axes counts failures and
    locks out). On success the page gets the new CSRF token in the `session-resumed` event and
    sends the save it kept again; nothing typed is lost."""
    form = AuthenticationForm(request, data=request.POST)
    if not form.is_valid():
        return render(request, "registration/_session_resume.html", {"form": form})
    auth_login(request, form.get_user())
    response = HttpResponse(status=204)
    return trigger_client_event(response, "session-resumed", {"csrf": get_token(request)})
