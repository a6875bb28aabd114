"""Pages of the work programme: small function views that ask the access policy first, then
call operations."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.models import Country, Objective, Organisation, WorkingGroup
from papers.models import Tag
from plan import operations
from plan.forms import PlanFilterForm, PlanItemForm
from plan.health import AT_RISK_DAYS, Health, build_forest, roots_of
from plan.models import PlanItem
from talanoa.access import (
    get_item_for_user,
    require_editor,
    require_group_editor,
    viewer_for,
    visible,
)
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.exports import (
    EXPORT_LIMIT,
    Column,
    export_format,
    export_response,
    iso,
    short,
)
from talanoa.lib.tables import csv_safe

logger = logging.getLogger(__name__)


def _plan_editor_groups(viewer) -> set[int]:
    """Groups whose work plan the viewer edits: those they are chair or secretariat of."""

    if viewer.is_superuser:
        return set(WorkingGroup.objects.current().values_list("pk", flat=True))
    return set(viewer.editor_groups)


def _objective_choices() -> list:
    """The objectives the plan serves, one per code (the groups' generic and specific ones)."""

    seen, result = set(), []
    for objective in (Objective.objects.exclude(kind=Objective.Kind.GOVERNANCE)
                      .order_by("order", "pk")):
        if objective.code not in seen:
            seen.add(objective.code)
            result.append(objective)
    return result


# The work plan's index shows this many rows a page (a filter narrows it).
PLAN_ROWS = 50


def _page_number(request: HttpRequest, last: int = 200) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")), 1), last)
    except ValueError:
        return 1


def _through_ids(field: str, **lookup) -> set[int]:
    """Ids of the plan items linked to something by one of their many-to-many fields."""
    through = getattr(PlanItem, field).through
    return set(through.objects.filter(**lookup).values_list("planitem_id", flat=True))


@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    """The work programme: its initiatives with their computed health; with a filter, every
    item that matches (an objective, an area, a country, an organisation) and its health."""

    viewer = viewer_for(request)
    today = timezone.localdate()
    areas = list(Tag.objects.filter(kind=Tag.Kind.AREA))
    countries = list(Country.objects.filter(is_pict=True))
    form = PlanFilterForm(request.GET or None, objectives=_objective_choices(), areas=areas,
                          countries=countries)
    filters = form.filters()
    # Health needs every visible item's dates, not the items: light rows for the forest, full
    # items only for the page's rows.
    light = [SimpleNamespace(**row) for row in
             visible(PlanItem.objects.filter(archived_at__isnull=True), viewer)
             .values("pk", "parent_id", "kind", "due_on", "done_on", "order",
                     "lead_organisation_id").order_by()]
    nodes = build_forest(light, today)
    roots = sorted(roots_of(nodes), key=lambda n: (n.item.order, n.item.pk))
    ordered = [node for root in roots for node in root.walk()]
    matched: set[int] | None = None

    def narrow(ids: set[int]) -> None:
        nonlocal matched
        matched = ids if matched is None else matched & ids

    if code := filters.get("objective"):
        narrow(_through_ids("objectives", objective__code=code))
    if area := filters.get("area"):
        narrow(_through_ids("areas", tag__kind=Tag.Kind.AREA, tag__code=area))
    if iso3 := filters.get("country"):
        narrow(_through_ids("countries", country__iso3=iso3))
    organisation = None
    if slug := filters.get("organisation"):

        organisation = Organisation.objects.filter(slug=slug).first()
        led = organisation.pk if organisation is not None else None
        narrow({n.item.pk for n in ordered if n.item.lead_organisation_id == led}
               | _through_ids("partners", organisation__slug=slug))
    if matched is None:
        rows = [n for n in roots if n.item.kind == PlanItem.Kind.INITIATIVE]
    else:
        rows = [n for n in ordered if n.item.pk in matched]
    if status := filters.get("status"):
        rows = [n for n in rows if n.health == status]
    if fmt := export_format(request):
        return _plan_export(request, rows, fmt)
    page = _page_number(request)
    more = len(rows) > page * PLAN_ROWS
    rows = rows[(page - 1) * PLAN_ROWS:page * PLAN_ROWS]
    full = PlanItem.objects.select_related("lead_organisation").in_bulk([n.item.pk for n in rows])
    for node in rows:
        node.item = full[node.item.pk]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "plan/plan_index.html", {
        "form": form, "rows": rows, "filtered": matched is not None, "filters": filters,
        "organisation": organisation, "page": page, "more": more,
        "query": query.urlencode(),
        "can_add": bool(_plan_editor_groups(viewer)), "Health": Health,
        "at_risk_days": AT_RISK_DAYS})


def _plan_export(request: HttpRequest, rows: list, fmt: str) -> HttpResponse:
    """The plan's rows as a download (talanoa.lib.exports): every row the filters select, with
    its computed health; the full items are read in one query, as for a page."""
    rows = rows[:EXPORT_LIMIT + 1]  # one more tells the download it was cut
    full = (PlanItem.objects.select_related("lead_organisation", "group")
            .in_bulk([n.item.pk for n in rows]))
    health = dict(Health.choices)
    return export_response(request, "work-plan", [
        Column("id", lambda n: n.item.pk),
        Column(_("Kind"), lambda n: full[n.item.pk].get_kind_display()),
        Column(_("Title (English)"), lambda n: full[n.item.pk].title_en),
        Column(_("Title (French)"), lambda n: full[n.item.pk].title_fr),
        Column(_("Health"), lambda n: str(health.get(n.health, n.health))),
        Column(_("Lead organisation"), lambda n: short(full[n.item.pk].lead_organisation)),
        Column(_("Starts"), lambda n: iso(full[n.item.pk].starts_on)),
        Column(_("Due"), lambda n: iso(full[n.item.pk].due_on)),
        Column(_("Done"), lambda n: iso(full[n.item.pk].done_on)),
        Column(_("Level"), lambda n: full[n.item.pk].get_level_display()),
        Column(_("Group"), lambda n: full[n.item.pk].group.acronym
               or full[n.item.pk].group.name_en),
        Column("URL", lambda n: request.build_absolute_uri(full[n.item.pk].get_absolute_url())),
    ], rows, fmt)


@require_GET
def plan_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request, PlanItem.objects.select_related(
        "group", "lead_organisation", "owner_person").prefetch_related(
        "partners", "areas", "countries", "objectives", "restricted_organisations",
        "restricted_people"), pk)
    viewer = viewer_for(request)
    tree = visible(PlanItem.objects.filter(initiative_id=item.initiative_id), viewer)
    if item.archived_at is None:
        tree = tree.filter(archived_at__isnull=True)
    nodes = build_forest(list(tree.select_related("lead_organisation")),
                         timezone.localdate())
    node = nodes.get(item.pk)
    if node is None:  # an item outside its initiative's tree (not expected): on its own
        node = build_forest([item], timezone.localdate())[item.pk]
    ancestors, parent = [], nodes.get(item.parent_id)
    while parent is not None:
        ancestors.insert(0, parent.item)
        parent = nodes.get(parent.item.parent_id)
    editor = viewer.edits(item.group_id)
    below = list(node.walk())[1:]
    for each in below:  # for the template: how far below the item
        each.indent = min(each.depth - node.depth - 1, 3)
    return render(request, "plan/plan_item.html", {
        "item": item, "node": node, "below": below, "ancestors": ancestors, "editor": editor,
        "viewer": viewer, "shows_names": viewer.sees_members_level(item.group_id),
        "tasks": list(item.tasks.select_related("owner_organisation", "owner_person")
                      .order_by(F("due_on").asc(nulls_last=True), "pk")),
        "can_complete": item.kind == PlanItem.Kind.MILESTONE or len(node.milestones) == 0,
        "can_hold_children": item.kind != PlanItem.Kind.MILESTONE,
        "Health": Health, "at_risk_days": AT_RISK_DAYS})


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_new(request: HttpRequest) -> HttpResponse:
    viewer = require_editor(request)
    groups = _plan_editor_groups(viewer)
    initial: dict = {"kind": PlanItem.Kind.INITIATIVE}
    if len(groups) == 1:
        initial["group"] = next(iter(groups))
    parent_pk = request.GET.get("parent", "")
    parent = None
    if parent_pk.isdigit():
        parent = get_item_for_user(request, PlanItem, int(parent_pk))
        require_group_editor(request, parent.group)
        kinds = [k for k in PlanItem.Kind.values if PlanItem.RANK[k] > PlanItem.RANK[parent.kind]]
        if not kinds:
            raise Http404
        initial.update({
            "parent": parent.pk, "group": parent.group_id, "kind": kinds[0],
            "level": parent.level, "lead_organisation": parent.lead_organisation_id,
            "areas": list(parent.areas.values_list("pk", flat=True)),
            "countries": list(parent.countries.values_list("pk", flat=True)),
            "objectives": list(parent.objectives.values_list("pk", flat=True)),
            "restricted_organisations": list(
                parent.restricted_organisations.values_list("pk", flat=True)),
            "restricted_people": list(parent.restricted_people.values_list("pk", flat=True))})
    form = PlanItemForm(request.POST or None, groups=groups, initial=initial,
                        instance=PlanItem())
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                item = operations.create_plan_item(form.save(commit=False), request.user)
                form.save_m2m()
        except operations.PlanStepRefused as exc:
            error = _(str(exc))
        else:
            messages.success(request, _("Added to the work plan."))
            return redirect(item)
    return render(request, "plan/plan_form.html",
                  {"form": form, "parent": parent, "error": error},
                  status=400 if error else form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request, PlanItem, pk, write=True)
    viewer = viewer_for(request)
    form = PlanItemForm(request.POST or None, instance=item,
                        groups=_plan_editor_groups(viewer) | {item.group_id})
    error = None

    def save(form):
        with transaction.atomic():
            saved = operations.save_plan_item(form.save(commit=False),
                                              form.cleaned_data.get("expected_version"))
            form.save_m2m()
        return saved

    try:
        saved = save_form_versioned(request, form, save)
    except operations.PlanStepRefused as exc:
        saved, error = None, _(str(exc))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "plan/plan_form.html",
                  {"form": form, "item": item, "error": error, "conflict": form.conflict,
                   "conflict_rows": conflict_rows(form)},
                  status=400 if error else form_status(form))


@require_POST
@login_required
def plan_item_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark done, reopen, archive, restore: the group's editors."""
    item = get_item_for_user(request, PlanItem, pk, write=True)
    action = request.POST.get("action", "")
    if str(item.version) != request.POST.get("expected_version"):
        messages.error(request, _("Someone changed this item in the meantime: check it, then "
                                  "try again."))
        return redirect(item)
    steps = {"done": operations.complete_milestone, "reopen": operations.reopen_milestone,
             "archive": operations.archive_plan_item, "restore": operations.restore_plan_item}
    if action not in steps:
        messages.error(request, _("Unknown step."))
        return redirect(item)
    try:
        steps[action](item)
    except operations.PlanStepRefused as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("Done."))
    return redirect(item)





# The matrix page shows this many organisations a page, and this many overlaps (the CSV has all).
MATRIX_ROWS = 40
MATRIX_OVERLAPS = 30


def _matrix_for(request: HttpRequest, **page):
    from plan.matrix import build_matrix

    countries = list(Country.objects.filter(is_pict=True))
    code = request.GET.get("country", "").upper()
    country = next((c for c in countries if c.iso3 == code), None)
    return build_matrix(viewer_for(request), country, **page), countries


@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    """Organisations × ICT areas: who leads, who is a partner, who has tasks; gaps and
    overlaps."""
    page = _page_number(request)
    table, countries = _matrix_for(
        request, rows=slice((page - 1) * MATRIX_ROWS, page * MATRIX_ROWS),
        overlaps=MATRIX_OVERLAPS)
    return render(request, "plan/plan_matrix.html", {
        "matrix": table, "countries": countries, "plan_url": reverse("plan:plan"),
        "page": page, "more": table.total_rows > page * MATRIX_ROWS,
        "more_overlaps": table.overlap_count - len(table.overlaps)})


@require_GET
def matrix_csv(request: HttpRequest) -> HttpResponse:
    import csv


    table, _countries = _matrix_for(request)
    name = f"who-does-what-{table.country.iso3 if table.country else 'region'}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    writer = csv.writer(response)
    writer.writerow([csv_safe(v) for v in [_("Organisation"), *[a.name for a in table.areas],
                                           _("Overlaps")]])
    for row in table.rows:
        overlaps = "; ".join(f"{o.area.name} ({o.country.iso3})"
                             for o in table.overlaps_of(row.organisation))
        writer.writerow([csv_safe(v) for v in [row.organisation.short,
                                               *[cell.text() for _area, cell in row.cells],
                                               overlaps]])
    gaps = table.gap_ids
    writer.writerow([csv_safe(v) for v in [_("Gap: no lead"),
                                           *[_("GAP") if a.pk in gaps else "" for a in table.areas],
                                           ""]])
    writer.writerow([csv_safe(v) for v in [_("Overlap: several leads"), *[
        "; ".join(f"{o.country.iso3}: {', '.join(org.short for org in o.organisations)}"
                  for o in table.overlaps if o.area.pk == a.pk) for a in table.areas], ""]])
    return response
