"""The client's address, as the trusted reverse proxies report it (used by django-axes).

Behind nginx every request comes from the proxy's address: REMOTE_ADDR alone would make every
user one client, and five wrong passwords from anyone would lock the real user out. Each trusted
proxy appends the address it received the request from to X-Forwarded-For; with
TRUSTED_PROXY_COUNT proxies in front of the application the client is the TRUSTED_PROXY_COUNT-th
entry from the right. Whatever a client writes into the header itself is further left and ignored.
TRUSTED_PROXY_COUNT = 0 (the default) uses REMOTE_ADDR and ignores the header.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        # Not through all the proxies (e.g. a health check on the loopback): the peer it is.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
