"""The audit log's page, for the chair and the secretariat: newest first, paged, by kind."""

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from talanoa.access import Viewer, require_editor, visible
from talanoa.history import TRACKED, may_read_history
from talanoa.lib.models import Protected
from talanoa.lib.paging import keyset_page
from talanoa.models import AuditEvent

PAGE_SIZE = 50


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    viewer = require_editor(request)
    kind = request.GET.get("kind")
    kind = kind if kind in AuditEvent.Kind.values else ""
    rows = AuditEvent.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    page = keyset_page(rows, before=request.GET.get("before"), after=request.GET.get("after"),
                       size=PAGE_SIZE, date_field="at")
    hidden = _unseen_targets(page.items, viewer)
    for event in page.items:
        label, _, pk = event.target.partition(":")
        event.history_label = label if label in TRACKED and pk.isdigit() else ""
        event.history_pk = pk
        if (label, pk) in hidden:
            # Who did what and when stays; not what the record is (its title, its file).
            event.target, event.target_text, event.history_label = label, "", ""
            event.detail = {key: value for key, value in event.detail.items() if key != "file"}
    return render(request, "talanoa/audit.html", {
        "page": page, "kind": kind, "kinds": AuditEvent.Kind.choices,
        "paged": bool(request.GET.get("before") or request.GET.get("after"))})


def _unseen_targets(events, viewer: Viewer) -> set[tuple[str, str]]:
    """The (label, pk) targets of these events that the reader may not see: an item of another
    group or above their level (talanoa.access), a record of another group's (a nomination
    letter: talanoa.history.may_read_history). A query per kind of record on the page."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        label, _, pk = event.target.partition(":")
        if pk.isdigit():
            wanted.setdefault(label, set()).add(int(pk))
    hidden = set()
    for label, pks in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        if issubclass(model, Protected):
            seen = set(visible(model._default_manager.filter(pk__in=pks), viewer)
                       .values_list("pk", flat=True))
        elif TRACKED.get(label):
            seen = {obj.pk for obj in model._default_manager.filter(pk__in=pks)
                    if may_read_history(viewer, obj, label)}
        else:
            continue  # people, organisations, accounts, tokens: shared by every group
        hidden |= {(label, str(pk)) for pk in pks - seen}
    return hidden
