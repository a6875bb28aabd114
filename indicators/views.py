"""ICT indicators: the public dashboard, country and indicator pages with their charts and
downloads, and the secretariat's imports."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators import operations, pages, sdmx, series
from indicators.forms import FlagForm, ImportForm, IndicatorForm, YearRangeForm
from indicators.models import Economy, Flag, ImportBatch, Indicator
from talanoa.access import can_edit_indicators, require_indicator_editor, viewer_for
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.paging import keyset_page
from talanoa.lib.tables import safe_file_name, table_response

# --- Pages (public) ---------------------------------------------------------------------------
# Public statistics: every page is the same for every reader but for its chrome (and the flag
# links the secretariat sees), so its content is rendered once per (page, arguments, language,
# data stamp) and kept in the cache (`indicators.series.cached`); a request then costs the
# stamp's one query. For anonymous readers (most of them) the whole page is kept, and only the
# CSRF token of the page's forms is put in per request (`_public_page`). Downloads are built
# afresh from the same `indicators.pages` builders.


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    editor = _indicator_editor(request)
    code = request.GET.get("indicator", "")

    def build() -> dict:
        board = _dashboard_board(code)
        return {"title": str(board.indicator.name), "html": render_to_string(
            "indicators/_dashboard.html", {"board": board, "editor": editor,
                                           "query": f"?indicator={board.indicator.code}"})}

    return _public_page(request, "indicators/dashboard.html", editor,
                        lambda: series.cached(("dashboard", code, editor), build))


@require_GET
def dashboard_table(request: HttpRequest, fmt: str) -> HttpResponse:
    board = _dashboard_board(request.GET.get("indicator", ""))
    return table_response(pages.dashboard_table(board), fmt)


@require_GET
def tile_map_svg(request: HttpRequest) -> HttpResponse:
    board = _dashboard_board(request.GET.get("indicator", ""))
    return _svg_download(board.tile_map, f"{board.indicator.code}-map")


@require_GET
def indicator(request: HttpRequest, code: str) -> HttpResponse:
    editor = _indicator_editor(request)
    form, first, last = _year_range(request)

    def build() -> dict:
        page = pages.indicator_page(get_object_or_404(Indicator, code=code), first, last)
        return {"title": str(page.indicator.name), "html": render_to_string(
            "indicators/_indicator.html", {"page": page, "editor": editor,
                                           "query": _query(first, last)})}

    return _public_page(request, "indicators/series_page.html", editor,
                        lambda: series.cached(("indicator", code, first, last, editor), build),
                        {"form": form})


@require_GET
def indicator_table(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    _form, first, last = _year_range(request)
    page = pages.indicator_page(get_object_or_404(Indicator, code=code), first, last)
    if fmt == sdmx.FILE_FORMAT:
        return sdmx.response(f"{page.indicator.code}-{pages._years_text(page.years)}.sdmx",
                             pages.indicator_sdmx(page))
    return table_response(pages.indicator_table(page), fmt)


@require_GET
def indicator_svg(request: HttpRequest, code: str) -> HttpResponse:
    _form, first, last = _year_range(request)
    page = pages.indicator_page(get_object_or_404(Indicator, code=code), first, last)
    return _svg_download(page.chart, f"{page.indicator.code}-{pages._years_text(page.years)}")


@require_GET
def profile(request: HttpRequest, code: str) -> HttpResponse:
    editor = _indicator_editor(request)
    form, first, last = _year_range(request)
    number = _page_number(request)

    def build() -> dict:
        board = pages.profile(get_object_or_404(Economy, code=code), first, last, number)
        return {"title": str(board.economy.name), "html": render_to_string(
            "indicators/_profile.html", {"board": board, "editor": editor,
                                         "range_query": _query(first, last),
                                         "range_params": _query(first, last)[1:],
                                         "query": _query(first, last, board.page)})}

    return _public_page(
        request, "indicators/series_page.html", editor,
        lambda: series.cached(("profile", code, first, last, number, editor), build),
        {"form": form})


@require_GET
def profile_table(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    _form, first, last = _year_range(request)
    board = pages.profile(get_object_or_404(Economy, code=code), first, last,
                          _page_number(request), draw=False)
    if fmt == sdmx.FILE_FORMAT:
        return sdmx.response(f"{board.economy.code}-profile.sdmx", pages.profile_sdmx(board))
    return table_response(pages.profile_table(board), fmt)


@require_GET
def profile_svg(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    _form, first, last = _year_range(request)
    economy = get_object_or_404(Economy, code=code)
    board = pages.profile(economy, first, last,
                          only=get_object_or_404(Indicator, code=indicator))
    return _svg_download(board.sections[0].chart, f"{economy.code}-{indicator}")


# Stands for the CSRF token in a page kept for every anonymous reader; each gets their own.
_CSRF_PLACEHOLDER = "csrf-token-of-this-reader"


def _public_page(request: HttpRequest, template: str, editor: bool,
                 content: Callable[[], dict], context: dict | None = None) -> HttpResponse:
    """The page around its (cached) content. An anonymous reader with no message waiting gets
    the whole page from the cache, rendered once per address, language and data stamp."""
    context = {"editor": editor, **(context or {})}
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return render(request, template, {"page": _safe(content()), **context})

    def whole_page() -> str:
        return render_to_string(template, {"page": _safe(content()), **context,
                                           "csrf_token": _CSRF_PLACEHOLDER}, request)

    html = series.cached(("page", template, request.get_full_path()), whole_page)
    return HttpResponse(html.replace(_CSRF_PLACEHOLDER, get_token(request)))


def _indicator_editor(request: HttpRequest) -> bool:
    """The secretariat sees links to import and flag; asking costs queries, so only for people
    who are signed in."""
    return request.user.is_authenticated and can_edit_indicators(viewer_for(request))


def _dashboard_board(code: str) -> pages.Dashboard:
    catalogue = series.indicators_with_data()
    if code:
        chosen = next((i for i in catalogue if i.code == code), None)
    else:
        chosen = pages.default_indicator(catalogue)
    if chosen is None:
        raise Http404("No such indicator")
    return pages.dashboard(chosen, catalogue)


def _year_range(request: HttpRequest) -> tuple[YearRangeForm, int | None, int | None]:
    """The years asked for (`?from=&to=`); bad input shows its message and the default range."""
    asked = "from" in request.GET or "to" in request.GET
    form = YearRangeForm(request.GET if asked else None)
    first, last = form.years()
    return form, first, last


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _query(first: int | None, last: int | None, page: int = 1) -> str:
    """The query string that asks for the same years (and page) again, e.g. for a download."""
    params = {k: v for k, v in (("from", first), ("to", last), ("page", page if page > 1
                                                                  else None)) if v is not None}
    return "?" + urlencode(params) if params else ""


def _safe(content: dict) -> dict:
    return {"title": content["title"], "html": mark_safe(content["html"])}


def _svg_download(svg: str, name: str) -> HttpResponse:
    response = HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + svg,
                            content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_file_name(name)}.svg"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# (the pages' helpers above; the imports' below)


# --- Imports and flags (secretariat) ----------------------------------------------------------

BATCHES_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
@login_required
def imports(request: HttpRequest) -> HttpResponse:
    """Upload a file to preview it; the batches, newest first."""
    require_indicator_editor(request)

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            batch = operations.preview_import(
                upload.read(), upload.name, user=request.user,
                indicator_code=data["indicator"].code if data["indicator"] else None,
                source=data["source"], vintage=data["vintage"],
                add_unknown_economies=data["add_unknown_economies"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("indicators:import_batch", pk=batch.pk)
    batches = ImportBatch.objects.select_related("created_by")
    page = keyset_page(batches, before=request.GET.get("before"),
                       after=request.GET.get("after"), size=BATCHES_PER_PAGE,
                       date_field="created_at")
    paged = bool(request.GET.get("before") or request.GET.get("after"))
    return render(request, "indicators/imports.html",
                  {"form": form, "page": page, "paged": paged},
                  status=400 if form.is_bound and form.errors else 200)


@require_GET
@login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch's validation report, its steps, and what can be done next."""
    require_indicator_editor(request)

    batch = get_object_or_404(ImportBatch.objects.select_related("created_by"), pk=pk)
    transitions = list(batch.transitions.select_related("by"))
    for transition in transitions:
        transition.to_label = ImportBatch.Status(transition.to_status).label
    report = batch.report
    shape, _space, kind = batch.layout.partition(" ")
    layout = {"long": gettext("long (a row per year)"),
              "wide": gettext("wide (years as columns)")}.get(shape, shape)
    return render(request, "indicators/import_batch.html", {
        "batch": batch, "report": report, "transitions": transitions,
        "layout": f"{layout}, {kind}" if kind else layout,
        "addable_economies": any(e.get("addable") for e in report.get("unknown_economies", ())),
        "Status": ImportBatch.Status})


@require_POST
@login_required
def import_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply or discard a preview, or roll back an applied batch."""
    require_indicator_editor(request)

    batch = get_object_or_404(ImportBatch, pk=pk)
    step = request.POST.get("step", "")
    try:
        if step == "apply":
            add_economies = ("add_unknown_economies" in request.POST
                             if "economies_offered" in request.POST else None)
            batch = operations.apply_import(batch, request.user,
                                            add_unknown_economies=add_economies)
            messages.success(request, gettext(
                "Applied: %(new)d new and %(changed)d changed values.")
                % {"new": batch.report["new"], "changed": batch.report["changed"]})
        elif step == "discard":
            operations.discard_import(batch, request.user)
            messages.success(request, gettext("The preview is discarded: nothing was imported."))
        elif step == "rollback":
            operations.rollback_import(batch, request.user)
            messages.success(request, gettext(
                "Rolled back: the values are as they were before this import."))
        else:
            messages.error(request, gettext("Unknown step."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("indicators:import_batch", pk=batch.pk)


@require_http_methods(["GET", "POST"])
@login_required
def flag_edit(request: HttpRequest) -> HttpResponse:
    """The flags, a form to add one (pre-filled from ?indicator=&economy=&year=), and removal."""
    require_indicator_editor(request)

    if request.method == "POST" and "remove" in request.POST:
        flag = Flag.objects.filter(pk=request.POST["remove"]).first() if (
            request.POST["remove"].isdigit()) else None
        if flag is None:
            messages.error(request, gettext("This flag was already removed."))
        else:
            operations.unflag(flag, request.user)
            messages.success(request, gettext("Flag removed."))
        return redirect("indicators:flag_edit")
    if request.method == "POST":
        form = FlagForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            operations.flag_observation(data["indicator"], data["economy"], data["year"],
                                        data["kind"], data["note"], request.user)
            messages.success(request, gettext("Flag saved."))
            return redirect("indicators:flag_edit")
    else:
        form = FlagForm(initial={key: request.GET[key] for key in ("indicator", "economy", "year")
                                 if request.GET.get(key)})
    flags = Flag.objects.select_related("indicator", "economy", "created_by")
    return render(request, "indicators/flags.html", {"form": form, "flags": flags},
                  status=400 if form.is_bound and form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The catalogue entry of an indicator: names, units and definitions in both languages,
    sources, SDG targets; an import adds an indicator with its English name only."""
    require_indicator_editor(request)
    indicator = get_object_or_404(Indicator, code=code)
    form = IndicatorForm(request.POST or None, instance=indicator)

    saved = save_form_versioned(request, form, lambda form: operations.save_indicator(
        form.save(commit=False), form.cleaned_data.get("expected_version"),
        form.cleaned_data["sdg_targets"]))
    if saved is not None:
        messages.success(request, gettext("Saved."))
        return redirect("indicators:indicator", code=saved.code)
    return render(request, "talanoa/record_form.html", {
        "form": form, "heading": gettext("Edit the indicator %(code)s") % {"code": code},
        "cancel_url": indicator.get_absolute_url(), "conflict_rows": conflict_rows(form)},
        status=form_status(form))

