"""Pages of the work programme: small function views that ask the access policy first, then
call operations."""

from __future__ import annotations

import datetime
import logging
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings.models import Meeting
from members.models import Organisation, WorkingGroup
from members.shortcuts import default_group
from papers.models import Paper, Tag
from talanoa.access import (
    Viewer,
    can_change_task,
    can_view,
    get_item_for_user,
    grant_item,
    require_editor,
    require_group_editor,
    require_member,
    viewer_for,
    visible,
    visible_tasks,
)
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.exports import (
    EXPORT_LIMIT,
    Column,
    export_format,
    export_response,
    iso,
    short,
    text,
    url_column,
)
from talanoa.lib.files import download
from talanoa.lib.paging import decode_cursor, encode_cursor
from talanoa.ratelimit import by_user, rate_limited
from work import operations
from work.forms import (
    EngagementLogForm,
    EngagementProcessForm,
    ExternalBodyForm,
    FocalPointForm,
    ForumEventForm,
    ForumParticipationForm,
    GroupPositionForm,
    JoinRequestStepForm,
    NewTaskForm,
    OrganisationProfileForm,
    PlanFilterForm,
    PlanItemForm,
    TakePartForm,
    TaskFilterForm,
    TaskStatusForm,
)
from work.models import (
    EngagementLogEntry,
    EngagementProcess,
    ExternalBody,
    FocalPoint,
    ForumParticipation,
    GroupPosition,
    JoinRequest,
    OrganisationProfile,
    PlanItem,
    Task,
)
from work.operations import TaskRefused, create_task, set_task_status
from work.plan import AT_RISK_DAYS, Health, build_forest, roots_of
from work.task_lists import (
    CLOSED_TASKS_SHOWN,
    OPEN_TASKS_SHOWN,
    OVERDUE_FIRST,
    filtered,
    first_rows,
    organisation_tasks,
    register,
    register_page,
    tasks_of,
    with_links,
)

logger = logging.getLogger(__name__)





# --- Work plan ------------------------------------------------------------------------------


def _plan_editor_groups(viewer) -> set[int]:
    """Groups whose work plan the viewer edits: those they are chair or secretariat of."""
    from members.models import WorkingGroup

    if viewer.is_superuser:
        return set(WorkingGroup.objects.current().values_list("pk", flat=True))
    return set(viewer.editor_groups)


def _objective_choices() -> list:
    """The objectives the plan serves, one per code (the groups' generic and specific ones)."""
    from members.models import Objective

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
    from members.models import Country
    from papers.models import Tag

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
        from members.models import Organisation

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
    return render(request, "work/plan_index.html", {
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
    return render(request, "work/plan_item.html", {
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
    return render(request, "work/plan_form.html",
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
    return render(request, "work/plan_form.html",
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




# --- Tasks ----------------------------------------------------------------------------------
# Where a status change returns to (never an address taken from the request).
TASK_RETURNS = {"mine": "work:my_tasks", "home": "members:home",
                "organisation": "work:organisation_tasks", "register": "work:tasks"}


def _shows_names(tasks, viewer: Viewer) -> list:
    """Owner people are named to the group's members and editors only (as in the record)."""
    for task in tasks:
        task.shows_names = viewer.sees_members_level(task.group_id)
    return tasks


def _source_url(task: Task) -> str:
    """Where the task is listed with its item: the meeting's record, the item's page."""
    item = task.linked_item
    if item is None:
        return task.get_absolute_url()
    if task.meeting_id:
        return reverse("meetings:minutes", args=[task.meeting_id]) + "#actions"
    return f"{item.get_absolute_url()}#actions"


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A task, its status history and, for its owner and the group's editors, the status
    form."""
    viewer = viewer_for(request)
    task = (with_links(visible_tasks(Task.objects.all(), viewer)).select_related("group")
            .filter(pk=pk).first())
    if task is None:
        raise Http404
    can_change = can_change_task(task, viewer)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    form = TaskStatusForm(request.POST or None, task=task) if can_change else None
    error = None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            set_task_status(task, form.cleaned_data["status"], request.user,
                            form.cleaned_data["reason"])
        except TaskRefused:
            error = _("The task already has this status: nothing was changed.")
        else:
            messages.success(request, _("Task updated."))
            back = TASK_RETURNS.get(request.POST.get("back", ""))
            if back is None and not viewer.edits(task.group_id):
                back = TASK_RETURNS["mine"]
            return redirect(reverse(back) if back else _source_url(task))
    transitions = list(task.transitions.select_related("by"))
    for transition in transitions:
        transition.to_label = Task.Status(transition.to_status).label
    return render(request, "work/tasks_detail.html", {
        "task": task, "item": task.linked_item, "form": form, "error": error,
        "transitions": transitions, "editor": viewer.edits(task.group_id),
        "shows_names": viewer.sees_members_level(task.group_id),
        "back": next((key for key in (request.POST.get("back"), request.GET.get("back"))
                      if key in TASK_RETURNS), "")},
        status=400 if error else (form_status(form) if form is not None else 200))


def _task_export(request: HttpRequest, name: str, tasks, fmt: str) -> HttpResponse:
    """A list of tasks as a download (talanoa.lib.exports): the same rows as the page, owner
    people named to the group's members and editors only, as on the page (_shows_names)."""
    viewer = viewer_for(request)

    def about_url(task: Task) -> str | None:
        item = task.linked_item
        return request.build_absolute_uri(item.get_absolute_url()) if item else None

    return export_response(request, name, [
        Column("id", lambda t: t.pk),
        Column(_("Task"), lambda t: t.title),
        Column(_("Status"), lambda t: t.get_status_display()),
        Column(_("Due"), lambda t: iso(t.due_on)),
        Column(_("Overdue"), lambda t: _("yes") if t.is_overdue else _("no")),
        Column(_("Owner organisation"), lambda t: short(t.owner_organisation)),
        Column(_("Owner"), lambda t: t.owner_person.name
               if t.owner_person and viewer.sees_members_level(t.group_id) else None),
        Column(_("Group"), lambda t: t.group.acronym or t.group.name_en),
        Column(_("About"), lambda t: t.link_label or None),
        Column(_("About (title)"), lambda t: text(t.linked_item.title) if t.linked_item
               else None),
        Column(_("About (URL)"), about_url),
        Column(_("Created"), lambda t: iso(t.created_at)),
        url_column(request),
    ], tasks.prefetch_related("group"), fmt, restricted=lambda row: True)


def _open_and_closed(queryset) -> dict:
    open_ = first_rows(queryset.filter(status__in=Task.OPEN_STATUSES).order_by(*OVERDUE_FIRST),
                       OPEN_TASKS_SHOWN + 1)
    closed = first_rows(queryset.exclude(status__in=Task.OPEN_STATUSES)
                        .order_by("-created_at", "-pk"), CLOSED_TASKS_SHOWN)
    return {"open_tasks": open_[:OPEN_TASKS_SHOWN], "more": len(open_) > OPEN_TASKS_SHOWN,
            "closed_tasks": closed}


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    """My open tasks, overdue first, then the latest of those done or dropped."""
    viewer = viewer_for(request)
    if fmt := export_format(request):  # open and closed alike, overdue first
        return _task_export(request, "my-tasks", tasks_of(viewer).order_by(*OVERDUE_FIRST), fmt)
    context = _open_and_closed(tasks_of(viewer))
    for key in ("open_tasks", "closed_tasks"):
        _shows_names(context[key], viewer)
    return render(request, "work/tasks_mine.html", context | {"back": "mine"})


@login_required
@require_GET
def organisation_tasks_view(request: HttpRequest) -> HttpResponse:
    """The tasks of the organisations I represent, overdue first."""
    viewer = viewer_for(request)
    if fmt := export_format(request):  # open and closed alike, overdue first
        return _task_export(request, "organisation-tasks",
                            organisation_tasks(viewer).order_by(*OVERDUE_FIRST), fmt)
    context = _open_and_closed(organisation_tasks(viewer))
    for key in ("open_tasks", "closed_tasks"):
        _shows_names(context[key], viewer)
    return render(request, "work/tasks_organisation.html", context | {
        "back": "organisation", "has_organisation": bool(viewer.org_ids)})


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """The register: every task the viewer may see, overdue first, filtered, a page at a time
    by a cursor."""
    viewer = viewer_for(request)
    # Only the filters make the form bound: a page link carrying just a cursor keeps the default.
    chosen = {key: request.GET[key] for key in ("status", "owner", "about", "overdue")
              if key in request.GET}
    form = TaskFilterForm(chosen or None, viewer=viewer)
    filters = form.filters()
    tasks = filtered(register(viewer), filters)
    if fmt := export_format(request):
        return _task_export(request, "task-register", tasks, fmt)
    tasks, more = register_page(tasks, request.GET.get("after"))
    # "status" goes on even when empty: "Any" is a choice, not the default.
    query = urlencode({key: value for key, value in chosen.items()
                       if key == "status" or (value and key in filters)})
    return render(request, "work/tasks_register.html", {
        "form": form, "tasks": _shows_names(tasks, viewer), "more": more, "query": query,
        "paged": bool(request.GET.get("after")), "back": "register",
        "can_add": viewer.is_editor})


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    """A task of a group the viewer edits, about an item (`?about=<address>`) or none."""
    viewer = require_editor(request)
    initial = {"about": request.GET.get("about", "")[:500]}
    groups = list(viewer.editor_groups)
    if len(groups) == 1:
        initial["group"] = groups[0]
    form = NewTaskForm(request.POST or None, viewer=viewer, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = create_task(data["title"], data["owner_organisation"], request.user,
                               about=form.item, group=data["group"],
                               owner_person=data["owner_person"], due_on=data["due_on"],
                               description=data["description"])
        except TaskRefused as exc:
            error = _(str(exc))
        else:
            messages.success(request, _("Task added."))
            return redirect(task)
    return render(request, "work/tasks_new.html", {"form": form, "error": error},
                  status=400 if error else form_status(form))





# --- Who does what --------------------------------------------------------------------------


# The matrix page shows this many organisations a page, and this many overlaps (the CSV has all).
MATRIX_ROWS = 40
MATRIX_OVERLAPS = 30


def _matrix_for(request: HttpRequest, **page):
    from members.models import Country
    from work.matrix import build_matrix

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
    return render(request, "work/plan_matrix.html", {
        "matrix": table, "countries": countries, "plan_url": reverse("work:plan"),
        "page": page, "more": table.total_rows > page * MATRIX_ROWS,
        "more_overlaps": table.overlap_count - len(table.overlaps)})


@require_GET
def matrix_csv(request: HttpRequest) -> HttpResponse:
    import csv

    from talanoa.lib.tables import csv_safe

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




# --- Advisory requests ----------------------------------------------------------------------
# Restricted by default: every page asks the policy for the request first (404 to anyone it does
# not name), and a ministry contact without an account reads their own request only, through a
# signed link that grants it to their browser session (talanoa.access.grant_item).

ADVISORY_LIST_LIMIT = 100
_URGENCY_RANK = Case(When(urgency="urgent", then=Value(0)), When(urgency="soon", then=Value(1)),
                     default=Value(2), output_field=IntegerField())


def _advisory_groups(viewer) -> set[int]:
    from members.models import WorkingGroup

    if viewer.is_superuser:
        return set(WorkingGroup.objects.current().values_list("pk", flat=True))
    return set(viewer.member_groups) | set(viewer.editor_groups)


def _can_respond(advisory, viewer) -> bool:
    return (viewer.edits(advisory.group_id)
            or (viewer.person_id is not None and viewer.person_id == advisory.assigned_person_id)
            or (advisory.assigned_organisation_id is not None
                and advisory.assigned_organisation_id in viewer.org_ids))


def _can_withdraw(advisory, viewer) -> bool:
    return viewer.edits(advisory.group_id) or (
        viewer.person_id is not None and viewer.person_id == advisory.requester_person_id)


@login_required
@require_GET
def advisory_list(request: HttpRequest) -> HttpResponse:
    """The requests the viewer may see (the secretariat's worklist): urgent and oldest first."""
    from work.forms import AdvisoryFilterForm
    from work.models import AdvisoryRequest

    viewer = viewer_for(request)
    form = AdvisoryFilterForm(request.GET or None)
    filters = form.filters()
    requests = visible(AdvisoryRequest.objects.filter(archived_at__isnull=True)
                       .select_related("country", "organisation", "assigned_organisation"),
                       viewer)
    status = filters.get("status")
    if status == "open":
        requests = requests.filter(status__in=AdvisoryRequest.OPEN_STATUSES)
    elif status in AdvisoryRequest.Status.values:
        requests = requests.filter(status=status)
    if urgency := filters.get("urgency"):
        requests = requests.filter(urgency=urgency)
    if country := filters.get("country"):
        requests = requests.filter(country=country)
    requests = requests.order_by(_URGENCY_RANK, "received_at", "pk")
    if fmt := export_format(request):
        return _advisory_export(request, requests, fmt)
    rows = list(requests[:ADVISORY_LIST_LIMIT + 1])
    groups = _advisory_groups(viewer)
    return render(request, "work/advisory_list.html", {
        "form": form, "requests": rows[:ADVISORY_LIST_LIMIT],
        "more": len(rows) > ADVISORY_LIST_LIMIT, "viewer": viewer,
        "can_file": bool(groups), "can_invite": viewer.is_editor,
        "figures_group": _figures_group(viewer)})


def _advisory_export(request: HttpRequest, requests, fmt: str) -> HttpResponse:
    return export_response(request, "advisory-requests", [
        Column("id", lambda r: r.pk),
        Column(_("Topic (English)"), lambda r: r.title_en),
        Column(_("Topic (French)"), lambda r: r.title_fr),
        Column(_("Status"), lambda r: r.get_status_display()),
        Column(_("Urgency"), lambda r: r.get_urgency_display()),
        Column(_("Country"), lambda r: r.country.iso3 if r.country else None),
        Column(_("From"), lambda r: r.requester_label),
        Column(_("Assigned to"), lambda r: short(r.assigned_organisation)),
        Column(_("Wanted by"), lambda r: iso(r.wanted_by)),
        Column(_("Received"), lambda r: iso(r.received_at)),
        Column(_("First response"), lambda r: iso(r.first_response_at)),
        Column(_("Closed"), lambda r: iso(r.closed_at)),
        Column(_("Level"), lambda r: r.get_level_display()),
        url_column(request),
    ], requests, fmt)


def _figures_group(viewer):
    """The group whose figures the list links to: the default group, if the viewer counts."""
    from django.conf import settings

    from members.models import WorkingGroup

    group = WorkingGroup.objects.filter(slug=settings.DEFAULT_GROUP_SLUG).first()
    return group if group is not None and viewer.sees_members_level(group.pk) else None


def _advisory_context(request: HttpRequest, advisory, **forms_given) -> dict:
    from papers.models import Paper
    from work.forms import AssignForm, NoteForm, RespondForm, TriageForm
    from work.models import AdvisoryRequest

    viewer = viewer_for(request)
    editor = viewer.edits(advisory.group_id)
    transitions = list(advisory.transitions.select_related("by"))
    # The secretariat's notes at triage and assignment are for the people the request names;
    # why it was declined, withdrawn or closed is for the requester too (a session's reader).
    for transition in transitions:
        transition.shown_reason = transition.reason if (
            viewer.is_authenticated or transition.to_status in AdvisoryRequest.ENDED_STATUSES
        ) else ""
    responses = list(advisory.responses.select_related("by_organisation"))
    # Linked papers: only those the reader may see (a ministry contact sees public ones).
    papers = list(visible(Paper.objects.filter(advisory_requests=advisory), viewer)
                  .filter(archived_at__isnull=True).order_by("pk"))
    context = {"advisory": advisory, "viewer": viewer, "editor": editor,
               "transitions": transitions, "responses": responses, "papers": papers,
               "named_view": viewer.is_authenticated}
    if advisory.archived_at is None:
        status = advisory.status
        if editor and status == "received":
            context["triage_form"] = forms_given.get("triage") or TriageForm(
                initial={"urgency": advisory.urgency}, prefix="triage")
        if editor and status in ("triaged", "assigned"):
            context["assign_form"] = forms_given.get("assign") or AssignForm(
                group=advisory.group, prefix="assign", initial={
                    "organisation": advisory.assigned_organisation_id,
                    "person": advisory.assigned_person_id})
        if _can_respond(advisory, viewer) and status in ("triaged", "assigned", "answered"):
            context["respond_form"] = forms_given.get("respond") or RespondForm(viewer=viewer,
                                                                                prefix="respond")
        if editor and status == "answered":
            context["close_form"] = forms_given.get("close") or NoteForm(prefix="close")
        if editor and status in ("received", "triaged", "assigned"):
            context["decline_form"] = forms_given.get("decline") or NoteForm(
                required=True, prefix="decline")
        if _can_withdraw(advisory, viewer) and status in ("received", "triaged", "assigned"):
            context["withdraw_form"] = forms_given.get("withdraw") or NoteForm(prefix="withdraw")
    return context


def _advisory_item(request: HttpRequest, pk: int, write: bool = False):
    from work.models import AdvisoryRequest

    return get_item_for_user(request, AdvisoryRequest.objects.select_related(
        "group", "country", "organisation", "requester_person", "assigned_organisation",
        "assigned_person").prefetch_related("restricted_organisations", "restricted_people"),
        pk, write=write)


@require_GET
def advisory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    advisory = _advisory_item(request, pk)
    return render(request, "work/advisory_detail.html", _advisory_context(request, advisory))


@login_required
@require_http_methods(["GET", "POST"])
def advisory_new(request: HttpRequest) -> HttpResponse:
    """A representative of an organisation of the group files a request."""
    from members.models import Organisation
    from work import operations
    from work.forms import MemberAdvisoryForm
    from work.models import AdvisoryRequest

    viewer = viewer_for(request)
    groups = _advisory_groups(viewer)
    if not groups or viewer.person_id is None:
        raise Http404
    organisations = (set(Organisation.objects.current().values_list("pk", flat=True))
                     if viewer.is_editor else set(viewer.org_ids))
    person = request.user.person
    initial = {"organisation": person.organisation_id
               if person.organisation_id in organisations else None}
    form = MemberAdvisoryForm(request.POST or None, groups=groups, organisations=organisations,
                              initial=initial, instance=AdvisoryRequest())
    if request.method == "POST" and form.is_valid():
        advisory = form.save(commit=False)
        advisory.requester_person = person
        advisory.requester_name = person.name
        advisory.requester_email = person.email or request.user.email
        advisory.language = person.language
        advisory.channel = AdvisoryRequest.Channel.MEMBER
        operations.file_request(advisory, request.user)
        messages.success(request, _("Your request is received. The secretariat will triage "
                                    "it."))
        return redirect(advisory)
    return render(request, "work/advisory_form.html",
                  {"form": form, "heading": _("Request advice")},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def advisory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from work import operations
    from work.forms import AdvisoryEditForm

    advisory = _advisory_item(request, pk, write=True)
    viewer = viewer_for(request)
    form = AdvisoryEditForm(request.POST or None, instance=advisory, viewer=viewer)

    def save(form):
        return operations.save_advisory(form.save(commit=False),
                                        form.cleaned_data.get("expected_version"),
                                        papers=form.cleaned_data["paper_addresses"])

    if (saved := save_form_versioned(request, form, save)) is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "talanoa/record_form.html", {
        "form": form, "heading": _("Edit the advisory request"),
        "conflict_rows": conflict_rows(form), "cancel_url": advisory.get_absolute_url(),
        "history_url": reverse("history:object", args=["work.advisoryrequest", advisory.pk])},
        status=form_status(form))


@require_POST
@login_required
def advisory_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Triage, assign, respond, close, decline, withdraw, archive and restore. A form with
    errors comes back on the request's page (400); a stale page changes nothing."""
    from work import operations
    from work.forms import AssignForm, NoteForm, RespondForm, TriageForm

    advisory = _advisory_item(request, pk)
    viewer = viewer_for(request)
    action = request.POST.get("action", "")
    editor = viewer.edits(advisory.group_id)
    allowed = {"triage": editor, "assign": editor, "close": editor, "decline": editor,
               "archive": editor, "restore": editor,
               "respond": _can_respond(advisory, viewer),
               "withdraw": _can_withdraw(advisory, viewer)}
    if not allowed.get(action, False):
        if action in allowed:
            raise PermissionDenied
        messages.error(request, _("Unknown step."))
        return redirect(advisory)
    try:
        expected = int(request.POST.get("expected_version", ""))
    except ValueError:
        expected = -1
    if expected != advisory.version:
        messages.error(request, _("Someone changed this request in the meantime: check it, "
                                  "then try again."))
        return redirect(advisory)
    # Each step's form has its own prefix: several are on the page at once.
    forms_map = {"triage": lambda: TriageForm(request.POST, prefix="triage"),
                 "assign": lambda: AssignForm(request.POST, group=advisory.group,
                                              prefix="assign"),
                 "respond": lambda: RespondForm(request.POST, request.FILES, viewer=viewer,
                                                prefix="respond"),
                 "close": lambda: NoteForm(request.POST, prefix="close"),
                 "decline": lambda: NoteForm(request.POST, required=True, prefix="decline"),
                 "withdraw": lambda: NoteForm(request.POST, prefix="withdraw")}
    try:
        if action in ("archive", "restore"):
            operations.archive_advisory(advisory, action == "archive")
            messages.success(request, _("Done."))
            return redirect(advisory)
        form = forms_map[action]()
        if not form.is_valid():
            return render(request, "work/advisory_detail.html",
                          _advisory_context(request, advisory, **{action: form}), status=400)
        data = form.cleaned_data
        if action == "triage":
            operations.triage(advisory, request.user, expected, data["urgency"], data["note"])
        elif action == "assign":
            operations.assign(advisory, request.user, expected, data["organisation"],
                              data["person"], data["note"])
        elif action == "respond":
            org = advisory.assigned_organisation if (
                advisory.assigned_organisation_id in viewer.org_ids or (
                    advisory.assigned_person_id and
                    advisory.assigned_person_id == viewer.person_id)) else None
            operations.respond(advisory, request.user, expected, data["text"], data["file"],
                               data["paper_addresses"], organisation=org)
        elif action == "close":
            operations.close(advisory, request.user, expected, data["note"])
        elif action == "decline":
            operations.decline(advisory, request.user, expected, data["note"])
        else:
            operations.withdraw(advisory, request.user, expected, data["note"])
    except operations.AdvisoryRefused as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("Done."))
    return redirect(advisory)


@require_GET
def advisory_response_file(request: HttpRequest, pk: int, response_pk: int) -> FileResponse:
    from work.models import AdvisoryResponse

    advisory = _advisory_item(request, pk)
    record = get_object_or_404(AdvisoryResponse, pk=response_pk, advisory=advisory)
    if not record.file:
        raise Http404
    response = download(record.file, record.file_name, of=advisory)
    return response


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("invitations", "INVITATION_RATE", key=by_user)
def advisory_invite(request: HttpRequest) -> HttpResponse:
    """The secretariat invites a ministry's contact to file a request (a signed link)."""
    from members.models import WorkingGroup
    from work import operations
    from work.forms import AdvisoryInviteForm

    viewer = require_editor(request)
    groups = (set(WorkingGroup.objects.current().values_list("pk", flat=True))
              if viewer.is_superuser else set(viewer.editor_groups))
    form = AdvisoryInviteForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        operations.invite_ministry(data["email"], data["name"], data["ministry"],
                                   data["country"], data["group"], request.user,
                                   language=data["language"], message=data["message"])
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
        return redirect("work:advisory_list")
    return render(request, "work/advisory_form.html",
                  {"form": form, "heading": _("Invite a ministry to request advice"),
                   "button": _("Send the invitation")},
                  status=400 if form.is_bound else 200)


def _bad_link(request: HttpRequest, expired: bool) -> HttpResponse:
    return render(request, "work/advisory_link_invalid.html", {"expired": expired},
                  status=410 if expired else 400)


@require_http_methods(["GET", "POST"])
@rate_limited("advisory-ministry", "PUBLIC_FORM_RATE")
def advisory_ministry(request: HttpRequest, token: str) -> HttpResponse:
    """An invited ministry's contact files a request; the signed link proves their address."""
    from django.core import signing

    from members.models import Country, WorkingGroup
    from work import operations
    from work.forms import MinistryAdvisoryForm
    from work.models import AdvisoryRequest

    try:
        data = operations.read_intake_token(token)
    except signing.SignatureExpired:
        return _bad_link(request, expired=True)
    except signing.BadSignature:
        return _bad_link(request, expired=False)
    group = WorkingGroup.objects.current().filter(pk=data.get("g")).first()
    country = Country.objects.filter(pk=data.get("c")).first()
    if group is None or country is None:
        return _bad_link(request, expired=False)
    form = MinistryAdvisoryForm(request.POST or None, instance=AdvisoryRequest(), initial={
        "requester_name": data.get("n", ""), "ministry": data.get("m", "")})
    if request.method == "POST" and form.is_valid():
        advisory = form.save(commit=False)
        advisory.group, advisory.country = group, country
        advisory.requester_email = data["e"]
        advisory.language = data.get("l") if data.get("l") in ("en", "fr") else "en"
        advisory.channel = AdvisoryRequest.Channel.MINISTRY
        operations.file_request(advisory, request.user)
        grant_item(request, advisory)
        messages.success(request, _("Your request is received. We have sent you an email with "
                                    "a link to follow it."))
        return redirect(advisory)
    return render(request, "work/advisory_ministry.html",
                  {"form": form, "email": data["e"], "country": country, "group": group},
                  status=400 if form.is_bound else 200)


@require_GET
def advisory_read(request: HttpRequest, token: str) -> HttpResponse:
    """The requester's signed link: this browser session may read this one request."""
    from django.core import signing

    from work import operations
    from work.models import AdvisoryRequest

    try:
        data = operations.read_read_token(token)
    except signing.SignatureExpired:
        return _bad_link(request, expired=True)
    except signing.BadSignature:
        return _bad_link(request, expired=False)
    advisory = AdvisoryRequest.objects.filter(pk=data.get("r"), archived_at__isnull=True,
                                              requester_email=data.get("e")).first()
    if advisory is None:
        raise Http404
    grant_item(request, advisory)
    return advisory_detail(request, advisory.pk)


@login_required
@require_GET
def advisory_figures(request: HttpRequest) -> HttpResponse:
    """Per quarter: received, answered, closed, time to first response and to close. Counts
    only: no request is named, so the group's members may read it."""
    from django.conf import settings

    from members.models import WorkingGroup
    from work.models import AdvisoryRequest
    from work.operations import quarterly_figures

    group = get_object_or_404(WorkingGroup, slug=request.GET.get("group")
                              or settings.DEFAULT_GROUP_SLUG)
    require_member(request, group)
    rows = list(AdvisoryRequest.objects.filter(group=group, archived_at__isnull=True)
                .values_list("received_at", "first_response_at", "closed_at"))
    return render(request, "work/advisory_figures.html", {
        "group": group, "quarters": quarterly_figures(rows),
        "open_now": sum(1 for _r, _f, closed in rows if closed is None)})





# --- Engagement -----------------------------------------------------------------------------

FORUM_PAGE = 30


def _body_for(request: HttpRequest, slug: str) -> ExternalBody:
    """A body is public; an archived one is for editors only (so they can restore it)."""
    body = get_object_or_404(ExternalBody.objects.select_related("organisation"), slug=slug)
    if body.archived_at is not None and not viewer_for(request).is_editor:
        raise Http404
    return body


def _process_for(request: HttpRequest, pk: int) -> EngagementProcess:
    process = get_object_or_404(EngagementProcess.objects.select_related("body"), pk=pk)
    if process.archived_at is not None and not viewer_for(request).is_editor:
        raise Http404
    return process


def _open_processes(today: datetime.date | None = None):
    """Open processes of live bodies, the nearest deadline first (those without one last)."""
    return (EngagementProcess.objects.current().filter(EngagementProcess.open_q(today),
                                                       body__archived_at__isnull=True)
            .select_related("body")
            .order_by(F("deadline").asc(nulls_last=True), "pk"))


def _positions_for(viewer: Viewer):
    return (visible(GroupPosition.objects.select_related("process__body"), viewer)
            .filter(archived_at__isnull=True))


def _editor_group_ids(viewer: Viewer) -> set[int]:
    if viewer.is_superuser:
        return set(WorkingGroup.objects.current().values_list("pk", flat=True))
    return set(viewer.editor_groups)


def _step(request: HttpRequest, record, archive) -> None:
    """Archive or restore from a POSTed `action`, refusing a step based on a stale page."""
    action = request.POST.get("action")
    if str(record.version) != request.POST.get("expected_version"):
        messages.error(request, _("Someone changed this record in the meantime: check it, then "
                                  "try again."))
    elif action not in ("archive", "restore"):
        messages.error(request, _("Unknown step."))
    else:
        archive(record, archived=action == "archive")
        messages.success(request, _("Done."))


@require_GET
def engagement(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    if fmt := export_format(request):  # the open processes, the page's list
        return export_response(request, "engagement-open-processes", [
            Column("id", lambda p: p.pk),
            Column(_("Title (English)"), lambda p: p.title_en),
            Column(_("Title (French)"), lambda p: p.title_fr),
            Column(_("Kind"), lambda p: p.get_kind_display()),
            Column(_("Body"), lambda p: p.body.acronym or p.body.name_en),
            Column(_("Opens"), lambda p: iso(p.opens_on)),
            Column(_("Deadline"), lambda p: iso(p.deadline)),
            Column(_("Status"), lambda p: p.get_status_display()),
            Column(_("Link"), lambda p: p.url),
            url_column(request),
        ], _open_processes(), fmt)
    return render(request, "work/engagement_index.html", {
        "viewer": viewer,
        "bodies": list(ExternalBody.objects.current()),
        # Editors find what was archived, to restore it.
        "archived_bodies": list(ExternalBody.objects.archived()) if viewer.is_editor else [],
        "processes": list(_open_processes()[:50]),
        "positions": list(_positions_for(viewer).order_by("-created_at", "-pk")[:20]),
        "forums": list(_forums_for(viewer).filter(meeting__ends_at__gte=timezone.now())
                       .order_by("meeting__starts_at", "pk")[:10])})


@require_GET
def engagement_body(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body_for(request, slug)
    viewer = viewer_for(request)
    processes = body.processes.all() if viewer.is_editor else body.processes.current()
    processes = list(processes.order_by(
        F("deadline").desc(nulls_first=True), "-pk")[:200])
    return render(request, "work/engagement_body.html", {
        "body": body, "viewer": viewer, "processes": processes,
        "positions": list(_positions_for(viewer).filter(process__body=body)
                          .order_by("-created_at", "-pk")[:50]),
        "forums": list(_forums_for(viewer).filter(body=body)
                       .order_by("-meeting__starts_at", "-pk")[:50])})


@require_GET
def engagement_process(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_for(request, pk)
    viewer = viewer_for(request)
    positions = visible(process.positions.select_related("group").prefetch_related(
        "restricted_organisations", "restricted_people"), viewer)
    positions = list(positions.order_by("-created_at", "-pk"))
    # A position's paper is shown only to readers who may see the paper.
    paper_ids = {p.paper_id for p in positions if p.paper_id}
    papers = ({p.pk: p for p in visible(Paper.objects.filter(pk__in=paper_ids), viewer)
               .filter(archived_at__isnull=True)} if paper_ids else {})
    for position in positions:
        position.visible_paper = papers.get(position.paper_id)
        position.editable = viewer.edits(position.group_id)
    return render(request, "work/engagement_process.html", {
        "process": process, "viewer": viewer, "positions": positions,
        "areas": list(process.areas.all()),
        "can_add_position": bool(_editor_group_ids(viewer)) and process.archived_at is None})


@login_required
@require_http_methods(["GET", "POST"])
def engagement_body_new(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    form = ExternalBodyForm(request.POST or None, instance=ExternalBody())
    if request.method == "POST" and form.is_valid():
        body = operations.save_external_body(form.save(commit=False), None)
        messages.success(request, _("Body added."))
        return redirect(body)
    return render(request, "work/engagement_body_form.html", {"form": form},
                  status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def engagement_body_edit(request: HttpRequest, slug: str) -> HttpResponse:
    require_editor(request)
    body = _body_for(request, slug)
    form = ExternalBodyForm(request.POST or None, instance=body)
    saved = save_form_versioned(request, form, lambda form: operations.save_external_body(
        form.save(commit=False), form.cleaned_data.get("expected_version")))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "work/engagement_body_form.html",
                  {"form": form, "body": body, "conflict": form.conflict,
                   "conflict_rows": conflict_rows(form)}, status=form_status(form))


@require_POST
@login_required
def engagement_body_step(request: HttpRequest, slug: str) -> HttpResponse:
    require_editor(request)
    body = _body_for(request, slug)
    _step(request, body, operations.archive_external_body)
    return redirect(body)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_process_new(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    initial = {}
    if slug := request.GET.get("body"):
        initial["body"] = ExternalBody.objects.current().filter(slug=slug).first()
    form = EngagementProcessForm(request.POST or None, instance=EngagementProcess(),
                                 initial=initial)
    if request.method == "POST" and form.is_valid():
        process = operations.save_process(form.save(commit=False), None, form.save_m2m)
        messages.success(request, _("Process added."))
        return redirect(process)
    return render(request, "work/engagement_process_form.html", {"form": form},
                  status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def engagement_process_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request)
    process = _process_for(request, pk)
    form = EngagementProcessForm(request.POST or None, instance=process)
    saved = save_form_versioned(request, form, lambda form: operations.save_process(
        form.save(commit=False), form.cleaned_data.get("expected_version"), form.save_m2m))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "work/engagement_process_form.html",
                  {"form": form, "process": process, "conflict": form.conflict,
                   "conflict_rows": conflict_rows(form)}, status=form_status(form))


@require_POST
@login_required
def engagement_process_step(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request)
    process = _process_for(request, pk)
    _step(request, process, operations.archive_process)
    return redirect(process)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_position_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A position of the group in the process: the editors of the group it belongs to."""
    viewer = require_editor(request)
    process = _process_for(request, pk)
    if process.archived_at is not None:
        raise Http404
    groups = _editor_group_ids(viewer)
    initial = {"group": next(iter(groups))} if len(groups) == 1 else {}
    form = GroupPositionForm(request.POST or None, instance=GroupPosition(process=process),
                             viewer=viewer, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        position = operations.create_position(form.save(commit=False), request.user,
                                              form.save_m2m)
        messages.success(request, _("Position recorded."))
        return redirect(position)
    return render(request, "work/engagement_position_form.html",
                  {"form": form, "process": process}, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def engagement_position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_item_for_user(request, GroupPosition.objects.select_related(
        "process__body", "paper"), pk, write=True)
    viewer = viewer_for(request)
    form = GroupPositionForm(request.POST or None, instance=position, viewer=viewer,
                             groups=_editor_group_ids(viewer) | {position.group_id})
    saved = save_form_versioned(request, form, lambda form: operations.save_position(
        form.save(commit=False), form.cleaned_data.get("expected_version"), form.save_m2m))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "work/engagement_position_form.html",
                  {"form": form, "process": position.process, "position": position,
                   "conflict": form.conflict, "conflict_rows": conflict_rows(form)},
                  status=form_status(form))


@require_POST
@login_required
def engagement_position_step(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_item_for_user(request, GroupPosition.objects.select_related("process"), pk,
                                 write=True)
    _step(request, position, operations.archive_position)
    return redirect(position)


# Forum participation (S14) ---------------------------------------------------------------------

def _forums_for(viewer: Viewer):
    return (visible(ForumParticipation.objects.select_related("meeting", "body"), viewer)
            .filter(archived_at__isnull=True))


@require_GET
def forums(request: HttpRequest) -> HttpResponse:
    """Upcoming forums (soonest first) and past ones (newest first, by a cursor)."""
    viewer = viewer_for(request)
    if fmt := export_format(request):  # upcoming and past alike, newest first
        return export_response(request, "forums", [
            Column("id", lambda f: f.pk),
            Column(_("Title (English)"), lambda f: f.meeting.title_en),
            Column(_("Title (French)"), lambda f: f.meeting.title_fr),
            Column(_("Body"), lambda f: (f.body.acronym or f.body.name_en) if f.body else None),
            Column(_("Starts (UTC)"), lambda f: iso(f.meeting.starts_at)),
            Column(_("Ends (UTC)"), lambda f: iso(f.meeting.ends_at)),
            Column(_("City"), lambda f: f.meeting.city),
            Column(_("Country"), lambda f: f.meeting.country.iso3 if f.meeting.country
                   else None),
            Column(_("Level"), lambda f: f.get_level_display()),
            Column(_("Group"), lambda f: f.group.acronym or f.group.name_en),
            url_column(request),
        ], _forums_for(viewer).select_related("meeting__country", "group")
            .order_by("-meeting__starts_at", "-pk"), fmt)
    now = timezone.now()
    past = _forums_for(viewer).filter(meeting__ends_at__lt=now)
    before = decode_cursor(request.GET.get("before"))
    if before:
        moment, pk = before
        past = past.filter(Q(meeting__starts_at__lt=moment)
                           | Q(meeting__starts_at=moment, pk__lt=pk))
    rows = list(past.order_by("-meeting__starts_at", "-pk")[:FORUM_PAGE + 1])
    older = (encode_cursor(rows[FORUM_PAGE - 1].meeting.starts_at, rows[FORUM_PAGE - 1].pk)
             if len(rows) > FORUM_PAGE else None)
    return render(request, "work/engagement_forums.html", {
        "viewer": viewer, "paged": before is not None, "older": older,
        "upcoming": [] if before else list(
            _forums_for(viewer).filter(meeting__ends_at__gte=now)
            .order_by("meeting__starts_at", "pk")[:FORUM_PAGE]),
        "past": rows[:FORUM_PAGE], "can_add": bool(_editor_group_ids(viewer))})


@require_GET
def forum(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_item_for_user(request, ForumParticipation.objects.select_related(
        "group", "meeting__country", "body", "report_paper").prefetch_related(
        "restricted_organisations", "restricted_people"), pk)
    viewer = viewer_for(request)
    meeting = participation.meeting
    report = participation.report_paper
    return render(request, "work/engagement_forum.html", {
        "participation": participation, "meeting": meeting, "viewer": viewer,
        "editor": viewer.edits(participation.group_id),
        # The calendar entry follows the participation's level; a paper may be more restricted.
        "meeting_visible": can_view(meeting, viewer),
        "report": report if report is not None and can_view(report, viewer) else None,
        "delegates": list(participation.delegates.select_related("organisation"))
        if viewer.sees_members_level(participation.group_id) else [],
        "zone": timezone.get_current_timezone().key})


@login_required
@require_http_methods(["GET", "POST"])
def forum_new(request: HttpRequest) -> HttpResponse:
    viewer = require_editor(request)
    groups = _editor_group_ids(viewer)
    initial = {"group": next(iter(groups))} if len(groups) == 1 else {}
    if slug := request.GET.get("body"):
        initial["body"] = ExternalBody.objects.current().filter(slug=slug).first()
    form = ForumParticipationForm(request.POST or None, instance=ForumParticipation(),
                                  viewer=viewer, groups=groups, initial=initial)
    event = ForumEventForm(request.POST or None, instance=Meeting(), prefix="event",
                           initial={"time_zone": "Pacific/Fiji"})
    if request.method == "POST" and all([form.is_valid(), event.is_valid()]):
        meeting = event.save(commit=False)
        event.apply_times()
        participation = operations.create_forum_participation(
            form.save(commit=False), meeting, request.user, form.save_m2m)
        messages.success(request, _("Forum participation recorded: the forum is on the "
                                    "calendar."))
        return redirect(participation)
    return render(request, "work/engagement_forum_form.html", {"form": form, "event": event},
                  status=form_status(form, event))


@login_required
@require_http_methods(["GET", "POST"])
def forum_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_item_for_user(request, ForumParticipation.objects.select_related(
        "meeting", "report_paper"), pk, write=True)
    viewer = viewer_for(request)
    form = ForumParticipationForm(request.POST or None, instance=participation, viewer=viewer,
                                  groups=_editor_group_ids(viewer) | {participation.group_id})
    saved = save_form_versioned(request, form, lambda form: operations.save_forum_participation(
        form.save(commit=False), form.cleaned_data.get("expected_version"), form.save_m2m))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "work/engagement_forum_form.html",
                  {"form": form, "participation": participation, "conflict": form.conflict,
                   "conflict_rows": conflict_rows(form)}, status=form_status(form))


@require_POST
@login_required
def forum_step(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_item_for_user(request, ForumParticipation, pk, write=True)
    _step(request, participation, operations.archive_forum_participation)
    return redirect(participation)


# --- Directory and "take part" --------------------------------------------------------------

LOG_ON_PAGE = 20
JOIN_REQUESTS_ON_PAGE = 50


def organisation_directory_context(request: HttpRequest, organisation) -> dict:
    """What the work programme adds to an organisation's page in the members directory: its ICT
    areas (public), its focal points (the group's members), its engagement log (per level).
    A constant number of queries."""
    viewer = viewer_for(request)
    group = default_group()
    areas = [row.tag for row in OrganisationProfile.areas.through.objects
             .filter(organisationprofile__organisation=organisation)
             .select_related("tag").order_by("tag__order", "tag__code")]
    sees_members = viewer.sees_members_level(group.pk)
    focal_points = (list(FocalPoint.objects.current().filter(organisation=organisation)
                         .select_related("person", "area")) if sees_members else [])
    log = []
    if viewer.is_authenticated:
        log = list(visible(EngagementLogEntry.objects.filter(organisation=organisation),
                           viewer).select_related("by").order_by("-date", "-pk")[:LOG_ON_PAGE])
    return {"areas": areas, "focal_points": focal_points, "log": log,
            "log_is_full": len(log) == LOG_ON_PAGE, "sees_members": sees_members,
            "can_edit": viewer.edits(group.pk), "group": group}


def directory_area_filter(request: HttpRequest) -> tuple[list, Tag | None]:
    """The ICT areas the directory can be filtered by, and the one asked for (`?area=code`)."""
    areas = list(Tag.objects.filter(kind=Tag.Kind.AREA).order_by("order", "code"))
    code = request.GET.get("area")
    return areas, next((area for area in areas if area.code == code), None)


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.current(), slug=slug)


def _editors_only(request: HttpRequest, group) -> None:
    """The group's chair and secretariat; anyone else is told nothing exists (404)."""
    if not viewer_for(request).edits(group.pk):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def organisation_profile_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's ICT areas, set by the group's editors."""
    organisation = _organisation(slug)
    require_group_editor(request, default_group())
    profile = (OrganisationProfile.objects.filter(organisation=organisation).first()
               or OrganisationProfile(organisation=organisation))
    form = OrganisationProfileForm(request.POST or None, instance=profile)
    saved = save_form_versioned(request, form, operations.save_organisation_profile)
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(organisation)
    return render(request, "talanoa/record_form.html", {
        "form": form, "conflict_rows": conflict_rows(form),
        "heading": _("ICT areas of %(organisation)s") % {"organisation": organisation.short},
        "cancel_url": organisation.get_absolute_url()}, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def focal_point_new(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    require_group_editor(request, default_group())
    form = FocalPointForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        operations.add_focal_point(organisation, form)
        messages.success(request, _("Saved."))
        return redirect(organisation)
    return render(request, "talanoa/record_form.html", {
        "form": form, "cancel_url": organisation.get_absolute_url(),
        "heading": _("New focal point of %(organisation)s") % {
            "organisation": organisation.short}}, status=400 if form.errors else 200)


@require_POST
@login_required
def focal_point_archive(request: HttpRequest, pk: int) -> HttpResponse:
    focal_point = get_object_or_404(FocalPoint.objects.select_related("organisation"), pk=pk)
    require_group_editor(request, default_group())
    operations.archive_focal_point(focal_point)
    messages.success(request, _("The focal point is archived."))
    return redirect(focal_point.organisation)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_log_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A note of a contact with the organisation, in the group's engagement log."""
    organisation = _organisation(slug)
    group = default_group()
    require_group_editor(request, group)
    form = EngagementLogForm(request.POST or None, organisation=organisation, group=group)
    if request.method == "POST" and form.is_valid():
        operations.add_engagement_log_entry(organisation, group, form, request.user)
        messages.success(request, _("Saved."))
        return redirect(f"{organisation.get_absolute_url()}#engagement")
    return render(request, "talanoa/record_form.html", {
        "form": form, "cancel_url": organisation.get_absolute_url(),
        "heading": _("Engagement with %(organisation)s") % {
            "organisation": organisation.short}}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@rate_limited("take-part", "TAKE_PART_RATE")
def take_part(request: HttpRequest) -> HttpResponse:
    """The public request to join the group (S1): no account needed; the email is confirmed
    by a signed link before the secretariat sees anything."""
    group = default_group()
    form = TakePartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        join_request = operations.submit_join_request(group, form, (get_language() or "en")[:2])
        return render(request, "work/directory_take_part_sent.html",
                      {"join_request": join_request, "group": group})
    return render(request, "work/directory_take_part.html", {"form": form, "group": group},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@rate_limited("take-part-confirm", "PUBLIC_FORM_RATE")
def take_part_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: opening it shows a button (mail scanners open links); the POST
    confirms."""
    join_request = operations.find_join_request(token)
    if join_request is None:
        return render(request, "work/directory_take_part_invalid.html", status=404)
    confirmed = join_request.status != JoinRequest.Status.AWAITING_EMAIL
    if request.method == "POST" and not confirmed:
        join_request = operations.confirm_join_request(join_request)
        confirmed = True
    return render(request, "work/directory_take_part_confirm.html",
                  {"join_request": join_request, "confirmed": confirmed,
                   "group": join_request.group})


@login_required
@require_GET
def join_requests(request: HttpRequest) -> HttpResponse:
    """Requests to take part, for the secretariat: received ones first, newest first."""
    group = default_group()
    _editors_only(request, group)
    status = request.GET.get("status")
    status = status if status in JoinRequest.Status.values else JoinRequest.Status.RECEIVED
    mine = JoinRequest.objects.filter(group=group)
    rows = mine.filter(status=status).select_related("country").order_by("-submitted_at", "-pk")
    if fmt := export_format(request):
        return export_response(request, f"join-requests-{status}", [
            Column("id", lambda r: r.pk),
            Column(_("Organisation"), lambda r: r.organisation_name),
            Column(_("Acronym"), lambda r: r.acronym),
            Column(_("Country"), lambda r: r.country.iso3 if r.country else None),
            Column(_("Standing requested"), lambda r: r.get_standing_display()),
            Column(_("Contact"), lambda r: r.contact_name),
            Column(_("Submitted"), lambda r: iso(r.submitted_at)),
            Column(_("Status"), lambda r: r.get_status_display()),
            url_column(request),
        ], rows, fmt, restricted=lambda row: True)
    counts = dict(mine.order_by().values_list("status").annotate(n=Count("pk")))
    rows = list(rows[:JOIN_REQUESTS_ON_PAGE])
    tabs = [(value, label, counts.get(value, 0)) for value, label in JoinRequest.Status.choices]
    return render(request, "work/directory_join_requests.html", {
        "rows": rows, "status": status, "tabs": tabs,
        "is_full": len(rows) == JOIN_REQUESTS_ON_PAGE})


def _join_request_for_editor(request: HttpRequest, pk: int) -> JoinRequest:
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("group", "country", "organisation", "person"), pk=pk)
    _editors_only(request, join_request.group)
    return join_request


@login_required
@require_GET
def join_request(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = _join_request_for_editor(request, pk)
    suggestions = (list(operations.suggested_organisations(join_request))
                   if join_request.status == JoinRequest.Status.RECEIVED else [])
    labels = dict(JoinRequest.Status.choices)
    return render(request, "work/directory_join_request.html", {
        "join_request": join_request, "suggestions": suggestions,
        "areas": list(join_request.areas.order_by("order", "code")),
        "steps": [(step, labels.get(step.to_status, step.to_status)) for step in
                  join_request.transitions.select_related("by").order_by("at", "pk")]})


@require_POST
@login_required
def join_request_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve as observer or consultative participant (R3), or decline with a reason."""
    join_request = _join_request_for_editor(request, pk)
    form = JoinRequestStepForm(request.POST, join_request=join_request)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(join_request)
    action = form.cleaned_data["action"]
    try:
        if action == "decline":
            operations.decline_join_request(join_request, form.cleaned_data["reason"],
                                            request.user)
            messages.success(request, _("Declined: the applicant is told why by email."))
        else:
            kind = action.removeprefix("approve_")
            operations.approve_join_request(join_request, kind, request.user,
                                            form.cleaned_data.get("existing"))
            messages.success(request, _("Approved: the applicant is told by email, and the "
                                        "contact is invited to an account."))
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect(join_request)



