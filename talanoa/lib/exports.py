"""Every list page as a download: the same view answers `?format=csv` and `?format=xlsx`.

One mechanism for every list: the page's view builds its queryset once, in the function that
also serves the page (filters from the same query parameters, `visible()` for the viewer), and
when `format` is asked for it hands that queryset to `export_response()` instead of paging it.
So an export holds exactly the rows the page's filters select for that reader, never a second
query with its own access rule. All the rows, not one page: bounded by `EXPORT_LIMIT` (a reader
who hits it narrows the filters; the response says so in `X-Export-Truncated`).

Columns are (header, function of a row) pairs; cells go through `talanoa.lib.tables` (CSV with
a header row, XLSX; formula injection neutralised there). Dates are ISO 8601, statuses are their
labels in the reader's language, each row ends with its page's absolute address.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode

from talanoa import auditlog
from talanoa.lib.tables import Cell, Table, table_response

EXPORT_LIMIT = 10_000
EXPORT_FORMATS = ("csv", "xlsx")
# Paging cursors select a page, not rows: an export ignores them and the links drop them.
PAGING_PARAMETERS = frozenset({"before", "after", "page", "format"})


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Cell]


def export_format(request: HttpRequest) -> str | None:
    """"csv" or "xlsx" when the request asks for a download, else None (the page)."""
    fmt = request.GET.get("format")
    return fmt if fmt in EXPORT_FORMATS else None


def export_query(request: HttpRequest, fmt: str) -> str:
    """The request's own filters plus `format`: what the "Download" links carry."""
    pairs = [(key, value) for key, values in request.GET.lists()
             if key not in PAGING_PARAMETERS for value in values]
    return urlencode([*pairs, ("format", fmt)])


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    """ISO 8601; a moment in UTC, so a file does not depend on who downloaded it."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()


def text(value) -> str | None:
    return None if value in (None, "") else str(value)


def short(organisation) -> str | None:
    return organisation.short if organisation is not None else None


def url_column(request: HttpRequest, header: str = "URL") -> Column:
    return Column(header, lambda row: request.build_absolute_uri(row.get_absolute_url()))


def export_response(request: HttpRequest, name: str, columns: list[Column],
                    rows: Sequence, fmt: str,
                    restricted: Callable[[Any], bool] = auditlog.above_public) -> HttpResponse:
    """`rows`: the page's own queryset (or list), in the page's order; at most EXPORT_LIMIT go
    out (a queryset is sliced in the database, one more row only to tell it was cut).

    A download holding any row above public level (`restricted(row)`: by default the row's own
    `level`; lists of records that are never public pass `lambda row: True`) is recorded in the
    audit log, once, with the counts."""
    sliced = list(rows[:EXPORT_LIMIT + 1])
    truncated = len(sliced) > EXPORT_LIMIT
    count = sum(1 for row in sliced[:EXPORT_LIMIT] if restricted(row))
    if count:
        auditlog.export(request, name, fmt, min(len(sliced), EXPORT_LIMIT), count)
    table = Table(name=name, header=[column.header for column in columns],
                  rows=[[column.value(row) for column in columns]
                        for row in sliced[:EXPORT_LIMIT]])
    response = table_response(table, fmt)
    # What a member downloads must not sit in a shared cache.
    response["Cache-Control"] = "private, no-store"
    if truncated:
        response["X-Export-Truncated"] = str(EXPORT_LIMIT)
    return response
