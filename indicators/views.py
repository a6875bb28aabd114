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
# This section's imports sit here, apart from the pages' at the top, so each part merges alone.

from django.contrib import messages  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.shortcuts import get_object_or_404, redirect, render  # noqa: E402
from django.utils.translation import gettext  # noqa: E402

from talanoa.access import require_indicator_editor  # noqa: E402
from talanoa.lib.paging import keyset_page  # noqa: E402

BATCHES_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
@login_required
def imports(request: HttpRequest) -> HttpResponse:
    """Upload a file to preview it; the batches, newest first."""
    require_indicator_editor(request)
    from indicators import operations
    from indicators.forms import ImportForm
    from indicators.models import ImportBatch

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
    from indicators.models import ImportBatch

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
    from indicators import operations
    from indicators.models import ImportBatch

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
    from indicators import operations
    from indicators.forms import FlagForm
    from indicators.models import Flag

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
