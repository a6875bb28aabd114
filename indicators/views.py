"""ICT indicators: the public dashboard, country and indicator pages with their charts and
downloads, and the secretariat's imports."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

# --- Pages (public) ---------------------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@require_GET
def dashboard_table(request: HttpRequest, fmt: str) -> HttpResponse:
    raise NotImplementedError


@require_GET
def tile_map_svg(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@require_GET
def indicator(request: HttpRequest, code: str) -> HttpResponse:
    raise NotImplementedError


@require_GET
def indicator_table(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    raise NotImplementedError


@require_GET
def indicator_svg(request: HttpRequest, code: str) -> HttpResponse:
    raise NotImplementedError


@require_GET
def profile(request: HttpRequest, code: str) -> HttpResponse:
    raise NotImplementedError


@require_GET
def profile_table(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    raise NotImplementedError


@require_GET
def profile_svg(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    raise NotImplementedError


# (the pages' helpers above; the imports' below)


























# --- Imports and flags (secretariat) ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@require_GET
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


@require_POST
def import_step(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


@require_http_methods(["GET", "POST"])
def flag_edit(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
