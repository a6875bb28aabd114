"""Keyset ("newer / older") paging for long, dated lists.

Page numbers need a COUNT over everything the reader may see, and OFFSET reads every row it skips:
both grow with ten years of records. A cursor on (date, id) reads one page's rows, whatever the
depth, so a list costs the same on its first page and its last.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


@dataclass
class KeysetPage:
    items: list = field(default_factory=list)
    newer: str | None = None  # cursor for the page before this one (newer items)
    older: str | None = None  # cursor for the page after this one (older items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def encode_cursor(moment: datetime.datetime, pk: int) -> str:
    return f"{(moment - EPOCH) // MICROSECOND}.{pk}"


def decode_cursor(value: str | None) -> tuple[datetime.datetime, int] | None:
    """The (date, id) a cursor names, or None for a missing or malformed one (first page)."""
    if not value:
        return None
    micros, _, pk = value.partition(".")
    try:
        return EPOCH + int(micros) * MICROSECOND, int(pk)
    except (ValueError, OverflowError):
        return None


def keyset_page(queryset: QuerySet, *, before: str | None = None, after: str | None = None,
                size: int = 20, date_field: str = "published_at") -> KeysetPage:
    """One page of `queryset`, newest first, after `before` (older items) or `after` (newer)."""
    newer_cursor = decode_cursor(after)
    older_cursor = None if newer_cursor else decode_cursor(before)
    if newer_cursor:
        moment, pk = newer_cursor
        rows = list(queryset.filter(Q(**{f"{date_field}__gt": moment})
                                    | Q(**{date_field: moment, "pk__gt": pk}))
                    .order_by(date_field, "pk")[:size + 1])
        more_newer = len(rows) > size
        items = rows[:size][::-1]
        more_older = True
    else:
        if older_cursor:
            moment, pk = older_cursor
            queryset = queryset.filter(Q(**{f"{date_field}__lt": moment})
                                       | Q(**{date_field: moment, "pk__lt": pk}))
        rows = list(queryset.order_by(f"-{date_field}", "-pk")[:size + 1])
        items = rows[:size]
        more_older = len(rows) > size
        more_newer = older_cursor is not None
    page = KeysetPage(items=items)
    if items and more_newer:
        page.newer = encode_cursor(getattr(items[0], date_field), items[0].pk)
    if items and more_older:
        page.older = encode_cursor(getattr(items[-1], date_field), items[-1].pk)
    return page
