"""Error pages that still work when the database does not."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

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
