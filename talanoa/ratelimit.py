"""Rate limits: one fixed window counted in the cache, shared by the API and the pages.

A limit is a rate such as "20/hour" (periods: s, min, h, day; "min", "m", "sec", "hour" also
read). Each scope (what is limited) and key (who: a client address, a user, a token) counts in
its own window; the count is an atomic `cache.add` then `cache.incr`, so several app servers
sharing Redis count together (with the local-memory cache each process counts alone).

- `hit(scope, who, rate)` counts one attempt and returns the seconds to wait when over the
  limit, else None.
- `rate_limited(scope, setting, key=...)` decorates a view: its POSTs (by default) count, and
  over the limit the answer is the 429 page (`templates/429.html`, also allauth's, in the reader's
  language) with `Retry-After`, the view not called.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400,
           "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """"120/min" → (120, 60)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def client_ip(request: HttpRequest) -> str:
    """The client's address as the sign-in lockout sees it (REMOTE_ADDR, set from nginx's
    X-Real-IP by talanoa.proxy for trusted proxies)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(scope: str, who: str, rate: str, now: float | None = None) -> int | None:
    """Count one attempt of `who` at `scope`; the seconds until the window ends if this one is
    over the limit, else None."""
    limit, window = parse_rate(rate)
    now = time.time() if now is None else now
    start = int(now // window) * window
    key = f"rate:{scope}:{who}:{window}:{start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, math.ceil(start + window - now))
    return None


def by_ip(request: HttpRequest) -> str:
    return f"ip:{client_ip(request)}"


def by_user(request: HttpRequest) -> str:
    return f"user:{request.user.pk}" if request.user.is_authenticated else by_ip(request)


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    """The 429 page: a plain explanation in the reader's language, never a 500."""
    response = render(request, "429.html",
                      {"minutes": max(1, math.ceil(wait / 60))}, status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "private, no-store"
    return response


def rate_limited(scope: str, setting: str, key: Callable[[HttpRequest], str] = by_ip,
                 methods: Iterable[str] = ("POST",)):
    """Limit a view's `methods` to the rate in `settings.<setting>`, per `key(request)`."""
    methods = frozenset(methods)

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.method in methods:
                wait = hit(scope, key(request), getattr(settings, setting))
                if wait is not None:
                    return too_many(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
