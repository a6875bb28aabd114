"""Pages of the work programme: small function views that ask the access policy first, then
call operations."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from talanoa.access import (
    Viewer,
    can_change_task,
    require_editor,
    viewer_for,
    visible_tasks,
)
from talanoa.lib.editing import form_status
from talanoa.lib.exports import (
    Column,
    export_format,
    export_response,
    iso,
    short,
    text,
    url_column,
)
from tasks.forms import NewTaskForm, TaskFilterForm, TaskStatusForm
from tasks.lists import (
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
from tasks.models import Task
from tasks.operations import TaskRefused, create_task, set_task_status

logger = logging.getLogger(__name__)


# Where a status change returns to (never an address taken from the request).
TASK_RETURNS = {"mine": "tasks:my_tasks", "home": "portal:member_home",
                "organisation": "tasks:organisation_tasks", "register": "tasks:tasks"}


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
    return render(request, "tasks/tasks_detail.html", {
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
    return render(request, "tasks/tasks_mine.html", context | {"back": "mine"})


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
    return render(request, "tasks/tasks_organisation.html", context | {
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
    return render(request, "tasks/tasks_register.html", {
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
    return render(request, "tasks/tasks_new.html", {"form": form, "error": error},
                  status=400 if error else form_status(form))
