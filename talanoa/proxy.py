"""The client's address behind nginx.

An app server behind a proxy sees the proxy as its peer (REMOTE_ADDR), so every client would
share one address: one sign-in lockout, one "take part" limit and one anonymous API rate limit
for everybody. nginx (deploy/nginx-talanoa-proxy.conf) sends the client's address in X-Real-IP,
set from the connection, never from what the client sent. It is believed only when the request
comes from a proxy in FORWARDED_ALLOW_IPS, the list gunicorn trusts X-Forwarded-Proto from.
"""

import contextlib
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class RealClientAddressMiddleware:
    """REMOTE_ADDR becomes the X-Real-IP of a trusted proxy's request (first in MIDDLEWARE, so
    django-axes, allauth's rate limits and the API's see the client)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.trusted = {address.strip() for address in settings.FORWARDED_ALLOW_IPS}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        real = request.META.get("HTTP_X_REAL_IP", "").strip()
        if real and ("*" in self.trusted or request.META.get("REMOTE_ADDR") in self.trusted):
            with contextlib.suppress(ValueError):  # not an address: keep the peer's
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(real))
        return self.get_response(request)
