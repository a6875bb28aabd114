"""The client's address behind nginx.

An app server behind a proxy sees the proxy as its peer (REMOTE_ADDR), so every client would
share one address: one sign-in lockout, one "take part" limit and one anonymous API rate limit
for everybody. nginx (deploy/nginx-talanoa-proxy.conf) sends the client's address in X-Real-IP,
set from the connection, never from what the client sent.

Any client can write X-Real-IP itself, and a proxy that does not overwrite it passes it on: a
client who chose it would escape the sign-in lockout. So the header is believed only when the
deployment declares a proxy that overwrites it (TRUSTED_PROXY) and only on a request whose peer is
that proxy (FORWARDED_ALLOW_IPS: addresses, networks or "*", read as gunicorn reads its
forwarded_allow_ips). Otherwise it is ignored and REMOTE_ADDR stays the peer's.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def proxy_networks(entries: Iterable[str]) -> list[Network] | None:
    """FORWARDED_ALLOW_IPS as networks ("127.0.0.1" is 127.0.0.1/32); None when "*" trusts every
    peer."""
    entries = [entry.strip() for entry in entries if entry.strip()]
    if "*" in entries:
        return None
    try:
        return [ipaddress.ip_network(entry) for entry in entries]
    except ValueError as error:
        raise ImproperlyConfigured(f"FORWARDED_ALLOW_IPS: {error}") from error


class RealClientAddressMiddleware:
    """REMOTE_ADDR becomes the X-Real-IP of a trusted proxy's request (first in MIDDLEWARE, so
    django-axes, allauth's rate limits and the API's see the client)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.enabled = bool(settings.TRUSTED_PROXY)
        self.networks = proxy_networks(settings.FORWARDED_ALLOW_IPS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        real = request.META.get("HTTP_X_REAL_IP", "").strip()
        if real and self.enabled and self.from_proxy(request.META.get("REMOTE_ADDR", "")):
            with contextlib.suppress(ValueError):  # not an address: keep the peer's
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(real))
        return self.get_response(request)

    def from_proxy(self, peer: str) -> bool:
        if self.networks is None:
            return True
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:  # no address (e.g. a Unix socket): not a listed proxy
            return False
        return any(address in network for network in self.networks)


@checks.register(checks.Tags.security, deploy=True)
def check_trusted_proxy(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """HTTPS=1 means a TLS proxy is in front: without TRUSTED_PROXY every client has its address
    (safe, but one person's failed sign-ins lock an account out for everybody)."""
    if settings.HTTPS and not settings.TRUSTED_PROXY:
        return [checks.Warning(
            "HTTPS=1 (behind a TLS proxy) but TRUSTED_PROXY is off: X-Real-IP is ignored, so "
            "every client has the proxy's address for the sign-in lockout and the rate limits.",
            hint="Set TRUSTED_PROXY=1 if the proxy sets X-Real-IP from the connection "
                 "(deploy/nginx-talanoa-proxy.conf does), and FORWARDED_ALLOW_IPS to its address.",
            id="talanoa.W001")]
    return []
