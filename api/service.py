"""The REST API's frame: one NinjaAPI, who is calling, rate limits, errors in one JSON shape,
and keyset paging. The endpoints live in `api/routes/`, one module per capability.

Who may see what is `talanoa.access`, as for the pages: a call without a token is anonymous;
a call with a personal token sees exactly what its owner sees on the portal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleGreaterThanOrEqual
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security.http import HttpAuthBase

from api.models import ApiToken
from api.operations import token_for_secret
from talanoa import ratelimit
from talanoa.access import ANONYMOUS, Viewer, build_viewer


@dataclass(frozen=True)
class Caller:
    """Who is calling: always truthy, so an anonymous call passes authentication."""

    viewer: Viewer
    token: ApiToken | None = None

    def __bool__(self) -> bool:
        return True


class PersonalToken(HttpAuthBase):
    """`Authorization: Bearer tal_…`, or nothing at all (anonymous). A token that is wrong,
    revoked or whose account is closed is a 401, never a quiet fall back to anonymous."""

    openapi_scheme = "bearer"
    header = "Authorization"

    def __call__(self, request: HttpRequest) -> Caller:
        neutralise_nul_characters(request)
        value = request.headers.get(self.header)
        if not value:
            found = Caller(ANONYMOUS)
            check_rate(request, found)
            return found
        scheme, _, secret = value.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError()
        token = token_for_secret(secret.strip())
        if token is None:
            raise AuthenticationError()
        found = Caller(build_viewer(token.user), token)
        check_rate(request, found)
        return found


def neutralise_nul_characters(request: HttpRequest) -> None:
    """No text column can hold a NUL (PostgreSQL refuses the query outright). Nothing is named
    with one, so an address carrying one is not found, and a filter carrying one matches
    nothing: it is turned into U+FFFD, which no code or name contains either."""
    if "\x00" in request.path:
        raise Http404
    if any("\x00" in value for __, values in request.GET.lists() for value in values):
        cleaned = request.GET.copy()
        for name, values in request.GET.lists():
            cleaned.setlist(name, [value.replace("\x00", "\ufffd") for value in values])
        request.GET = cleaned


def caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined]


def viewer(request: HttpRequest) -> Viewer:
    """The access helper every endpoint calls first."""
    return caller(request).viewer


def require_token(request: HttpRequest) -> Viewer:
    """Write endpoints need a personal token: a partner acts as a named person."""
    found = caller(request)
    if found.token is None:
        raise AuthenticationError()
    return found.viewer


def check_rate(request: HttpRequest, found: Caller) -> None:
    """A fixed window counted by `talanoa.ratelimit` (shared with the pages' limits) where every
    app server process sees it: Redis, else the database. Token calls count per token, the
    others per client address (REMOTE_ADDR: behind the TLS proxy it must pass the real address;
    see docs/operations.md)."""
    if found.token is not None:
        wait = ratelimit.hit("api", f"token:{found.token.pk}", settings.API_RATE_TOKEN)
    else:
        wait = ratelimit.hit("api", ratelimit.by_ip(request), settings.API_RATE_ANONYMOUS)
    if wait is not None:
        raise Throttled(wait=wait)


class Error(Schema):
    """Every error answer has this shape."""

    code: str
    message: str
    errors: list[dict[str, Any]] = []


# Answers every endpoint may give besides its own (documented on each).
COMMON_ERRORS: dict[int, type[Schema]] = {401: Error, 422: Error, 429: Error}


def responses(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """An endpoint's documented answers: its own, the common errors and any extra ones."""
    answers: dict[int, Any] = {status: ok, **COMMON_ERRORS}
    for code in errors:
        answers[code] = Error
    return answers


class TalanoaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Reading needs no token (anonymous callers get public data): every GET says the bearer
        token is optional. Writing does: the other methods keep it required."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if method == "get" and operation.get("security"):
                    operation["security"].append({})
        return schema


api = TalanoaAPI(
    title="Talanoa API",
    version="1",
    description=(
        "Read what Talanoa publishes, and, with a personal token, what its owner may see on "
        "the portal. Create a token on *My settings*; send it as `Authorization: Bearer …`. "
        "Lists are paged with `limit` and the `next` cursor of the previous page, in a stable "
        "order. Errors always have the `Error` shape."),
    auth=PersonalToken(),
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False}),
)


def error_response(request: HttpRequest, status: int, code: str, message: str,
                   errors: Sequence[dict[str, Any]] = ()) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message,
                                         "errors": list(errors)}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"location": [str(part) for part in e.get("loc", ())], "message": e.get("msg", "")}
              for e in exc.errors]
    return error_response(request, 422, "invalid", "The request is not valid.", errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(request, 401, "unauthenticated",
                              "The token is not valid: it may be wrong or revoked.")
    response["WWW-Authenticate"] = 'Bearer realm="talanoa"'
    return response


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = error_response(request, 429, "rate_limited",
                              "Too many requests: wait for the time in Retry-After.")
    response["Retry-After"] = str(exc.wait or 1)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 409: "conflict",
             413: "too_large"}
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"),
                          str(exc.message))


def not_found_anywhere(request: HttpRequest, path: str = "") -> HttpResponse:
    """An address under /api/ that is no endpoint: the same JSON shape as every error."""
    return error_response(request, 404, "not_found", "No such endpoint.")


# -- Paging -------------------------------------------------------------------------------
MAX_LIMIT = 100
CURSOR_PATTERN = r"^[0-9]{1,18}(\.[0-9]{1,18}){0,3}$"


class Page(Schema):
    """A page of results; `next` is the cursor of the next page, or null on the last one."""

    next: str | None = None


class Paging(Schema):
    """`limit` rows a page (at most 100); `cursor`: the `next` of the previous page."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, pattern=CURSOR_PATTERN,
                               description="The `next` of the previous page.")


def encode_cursor(values: Sequence[int]) -> str:
    """The key of a page's last row, e.g. "12" or "3.45.2019": not secret, and any such string
    is a valid place to start from (rows strictly after it, in key order)."""
    return ".".join(str(int(v)) for v in values)


def decode_cursor(cursor: str, size: int) -> list[int]:
    """`Paging.cursor`'s pattern has already checked the shape. Fewer parts than keys start
    after that prefix; parts beyond the key are ignored."""
    return [int(part) for part in cursor.split(".")][:size]


def _after(keys: Sequence[str], values: Sequence[int]) -> Q | TupleGreaterThan:
    """Rows strictly after `values` in the order of `keys` (a keyset: no OFFSET to scan). A
    shorter `values` is a prefix: every row that starts with it comes after it.

    Several keys compare as one row value, `(a, b, c) > (x, y, z)`, which SQLite and PostgreSQL
    answer from the index on those keys at any depth; the same condition spelt out with OR
    (`a > x OR (a = x AND b > y) OR …`) made SQLite scan the index from its start, so a deep
    page of a million observations read most of them. (`tuple_lookups` is Django's own, for
    composite primary keys; on a database without row values it writes the ORs itself.)"""
    if not values:
        return Q()
    whole = len(values) == len(keys)
    if len(values) == 1:
        return Q(**{f"{keys[0]}__{'gt' if whole else 'gte'}": values[0]})
    lookup = TupleGreaterThan if whole else TupleGreaterThanOrEqual
    return lookup(Tuple(*(F(key) for key in keys[:len(values)])), tuple(values))


def keyset_page(queryset: QuerySet, *, limit: int, cursor: str | None,
                keys: Sequence[str] = ("pk",),
                key_of: Callable[[Any], Sequence[int]] | None = None,
                max_limit: int = MAX_LIMIT) -> tuple[list, str | None]:
    """One page of `queryset` in the order of `keys` (unique together, integers), and the
    cursor of the next page. Stable: rows added later never shift a page already read.
    `max_limit`: an endpoint whose rows are small may allow more than `MAX_LIMIT` a page."""
    limit = max(1, min(limit, max_limit))
    queryset = queryset.order_by(*keys)
    if cursor:
        queryset = queryset.filter(_after(keys, decode_cursor(cursor, len(keys))))
    rows = list(queryset[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    last = rows[-1]
    values = key_of(last) if key_of else [getattr(last, key) for key in keys]
    return rows, encode_cursor(values)


def page_of(queryset: QuerySet, paging: Paging) -> dict[str, Any]:
    """A list endpoint's answer: one page of `queryset` by id and the cursor of the next."""
    rows, after = keyset_page(queryset, limit=paging.limit, cursor=paging.cursor)
    return {"results": rows, "next": after}

