"""Every change to every record, for the secretariat: who, when, before and after; restorable."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from talanoa.access import Viewer, viewer_for
from talanoa.lib.reasons import translated

# Models whose history the secretariat can read and restore, and where their group is.
TRACKED: dict[str, str | None] = {
    "portal.post": "group_id",
    "members.organisation": None,
    "members.person": None,
    "members.workinggroup": "pk",
    "members.objective": "group_id",
    "members.membership": "group_id",
    "members.representative": "group_id",
    "members.nominationround": "group_id",
    "members.nominationletter": "round.group_id",
    "members.invitation": "group_id",
    "meetings.noticetemplate": None,
    "meetings.meeting": "group_id",
    "decisions.decision": "group_id",
    "decisions.sitting": None,
    "papers.paper": "group_id",
    "papers.missioncontact": None,
    "plan.planitem": "group_id",
    "advisory.advisoryrequest": "group_id",  # work: advisory requests
    # work: engagement
    "engagement.externalbody": None,
    "engagement.engagementprocess": None,
    "engagement.groupposition": "group_id",
    "engagement.forumparticipation": "group_id",
}


def _model(label: str):
    if label not in TRACKED:
        raise Http404
    return apps.get_model(label)


def _group_id(obj, label: str) -> int | None:
    path = TRACKED[label]
    if path is None:
        return None
    value = obj
    for part in path.split("."):
        value = getattr(value, part)
    return value


def may_read_history(viewer: Viewer, obj, label: str) -> bool:
    """Editors of the record's group; records of no group (organisations, people): any editor."""
    group_id = _group_id(obj, label)
    return viewer.edits(group_id) if group_id is not None else viewer.is_editor


def _shown(field: models.Field, value):
    """A value as the record's page would say it: choices by their label, related records by
    name, yes or no."""
    if value is None or value == "":
        return ""
    if field.many_to_many:
        target = field.m2m_reverse_field_name()
        return ", ".join(str(row[target]) for row in value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    return value


def _changes(model, records: list) -> list[dict]:
    """Each record with what changed since the one before it: (field's verbose name, old, new)
    in the order of the model's fields, and why, in the reader's language."""
    order = {field.name: i for i, field in enumerate(model._meta.get_fields())}
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=("updated_at", "version"),
                                       foreign_keys_are_objs=True)
            for change in sorted(delta.changes, key=lambda c: order.get(c.field, len(order))):
                try:
                    field = model._meta.get_field(change.field)
                except FieldDoesNotExist:
                    changes.append((change.field, change.old, change.new))
                    continue
                changes.append((capfirst(field.verbose_name), _shown(field, change.old),
                                _shown(field, change.new)))
        rows.append({"record": newer, "changes": changes,
                     "reason": translated(newer.history_change_reason)})
    return rows


@login_required
@require_GET
def recent(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    if not viewer.is_editor:
        raise Http404
    entries = []
    for label, group_path in TRACKED.items():
        history = apps.get_model(label).history.select_related("history_user")
        # Only the reader's groups' records (a nomination letter's group is its round's).
        if group_path is not None and not viewer.is_superuser:
            field = "id" if group_path == "pk" else group_path.replace(".", "__")
            history = history.filter(**{f"{field}__in": viewer.editor_groups})
        name = capfirst(apps.get_model(label)._meta.verbose_name)
        entries += [(label, name, record) for record in history.order_by("-history_date")[:30]]
    entries.sort(key=lambda e: e[2].history_date, reverse=True)
    return render(request, "talanoa/history_recent.html", {"entries": entries[:100]})


@login_required
@require_GET
def object_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    model = _model(label)
    obj = get_object_or_404(model, pk=pk)
    if not may_read_history(viewer_for(request), obj, label):
        raise Http404
    records = list(obj.history.select_related("history_user").order_by("-history_date",
                                                                        "-history_id"))
    return render(request, "talanoa/history_object.html",
                  {"obj": obj, "label": label, "rows": _changes(model, records)})


@require_POST
@login_required
def restore(request: HttpRequest, label: str, pk: int, history_id: int) -> HttpResponse:
    """Put the record back as it was at one point of its history (itself a new change)."""
    model = _model(label)
    with transaction.atomic():
        obj = get_object_or_404(model.objects.select_for_update(), pk=pk)
        if not may_read_history(viewer_for(request), obj, label):
            raise Http404
        record = get_object_or_404(obj.history, history_id=history_id)
        restored = record.instance
        if hasattr(obj, "version"):
            restored.version = obj.version + 1
        restored.save()
    messages.success(request, _("Restored the version of %(date)s.") % {
        "date": record.history_date.strftime("%Y-%m-%d %H:%M UTC")})
    return redirect("history:object", label=label, pk=pk)
