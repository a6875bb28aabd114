"""Rate limits: one fixed window counted in a store every app server process shares, used by
the API and the pages.

A limit is a rate such as "20/hour" (periods: s, min, h, day; "min", "m", "sec", "hour" also
read). Each scope (what is limited) and key (who: a client address, a user, a token) counts in
its own window. Where it counts is `settings.RATE_LIMIT_STORE`:

- "cache" (with Redis): an atomic `cache.add` then `cache.incr`, so every app server sharing
  Redis counts together;
- "database" (without Redis): the local-memory cache is one per gunicorn worker, so two workers
  would each let the limit through. The count is a `RateCount` row instead, added to by one
  atomic upsert (`INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count`, SQLite
  3.35+ and PostgreSQL; elsewhere an UPDATE, then an INSERT if no row was there), one query a
  hit, whose commit does not wait for the disk. About one new window in PURGE_EVERY also
  deletes the rows of ended windows.

- `hit(scope, who, rate)` counts one attempt and returns the seconds to wait when over the
  limit, else None.
- `rate_limited(scope, setting, key=...)` decorates a view: its POSTs (by default) count, and
  over the limit the answer is the 429 page (`templates/429.html`, also allauth's, in the reader's
  language) with `Retry-After`, the view not called.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from talanoa.models import RateCount

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400,
           "day": 86400}
# The rows of ended windows go about once in this many new windows: the table stays about the
# size of the windows still running, for one extra DELETE now and then.
PURGE_EVERY = 100
_KEY_LENGTH = RateCount._meta.get_field("key").max_length
# The databases whose INSERT … ON CONFLICT … RETURNING is the one below (SQLite from 3.35, which
# `can_return_columns_from_insert` says).
_UPSERTS = {"sqlite", "postgresql"}


def parse_rate(rate: str) -> tuple[int, int]:
    """"120/min" → (120, 60)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def client_ip(request: HttpRequest) -> str:
    """The client's address as the sign-in lockout sees it (REMOTE_ADDR, set from nginx's
    X-Real-IP by talanoa.proxy only when a trusted proxy is declared)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(scope: str, who: str, rate: str, now: float | None = None) -> int | None:
    """Count one attempt of `who` at `scope`; the seconds until the window ends if this one is
    over the limit, else None."""
    limit, window = parse_rate(rate)
    now = time.time() if now is None else now
    start = int(now // window) * window
    key = f"rate:{scope}:{who}:{window}:{start}"
    if settings.RATE_LIMIT_STORE == "database":
        count = _count_in_database(key, start + window, now)
    else:
        count = _count_in_cache(key, window)
    if count > limit:
        return max(1, math.ceil(start + window - now))
    return None


def _count_in_cache(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        return 1


def _count_in_database(key: str, ends_at: int, now: float) -> int:
    if len(key) > _KEY_LENGTH:  # a caller's long `who`: still one row per window
        key = "rate:sha256:" + hashlib.sha256(key.encode()).hexdigest()
    with _not_waiting_for_the_disk():
        if connection.vendor in _UPSERTS and connection.features.can_return_columns_from_insert:
            table, quote = RateCount._meta.db_table, connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({quote('key')}, {quote('ends_at')}, "
                    f"{quote('count')}) VALUES (%s, %s, 1) ON CONFLICT ({quote('key')}) DO "
                    f"UPDATE SET {quote('count')} = {quote(table)}.{quote('count')} + 1 "
                    f"RETURNING {quote('count')}", [key, ends_at])
                count = cursor.fetchone()[0]
        else:
            count = _count_with_update_then_insert(key, ends_at)
        if count == 1 and random.random() < 1 / PURGE_EVERY:
            purge_ended_windows(now)
    return count


@contextlib.contextmanager
def _not_waiting_for_the_disk() -> Iterator[None]:
    """A count's commit does not wait for the disk: a power cut may forget the last hits, which
    matters not, and waiting would cost each limited request 1–5 ms (SQLite's synchronous=FULL,
    PostgreSQL's synchronous_commit). A later commit that waits writes these too. Inside a
    transaction the commit is the caller's, and so is how it waits."""
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")  # this transaction only
            yield
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            level = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA synchronous = NORMAL")  # the connection's: put back after
            try:
                yield
            finally:
                cursor.execute(f"PRAGMA synchronous = {level}")
    else:
        yield


def _count_with_update_then_insert(key: str, ends_at: int) -> int:
    """Where the database cannot upsert and return: an atomic UPDATE, else an INSERT; when a
    concurrent INSERT of the same window wins, ours fails and the UPDATE counts in its row.
    (bulk_create and update send no signal: a count is not content for the page cache.)"""
    rows = RateCount.objects.filter(key=key)
    if not rows.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateCount.objects.bulk_create([RateCount(key=key, ends_at=ends_at, count=1)])
            return 1
        except IntegrityError:
            rows.update(count=F("count") + 1)
    # Another process may have counted between the two queries: the count read is at least
    # ours, so the limit can only be reached a little early, never passed.
    return rows.values_list("count", flat=True).first() or 1


def purge_ended_windows(now: float | None = None) -> int:
    """Delete the counts of windows that have ended; how many were deleted. One DELETE without
    the ORM's collector (no signal fires for a count)."""
    now = time.time() if now is None else now
    table, quote = RateCount._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(table)} WHERE {quote('ends_at')} <= %s", [int(now)])
        return cursor.rowcount


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
