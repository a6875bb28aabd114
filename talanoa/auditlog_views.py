"""The audit log's page, for the chair and the secretariat: newest first, paged, by kind."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from talanoa.access import require_editor
from talanoa.history import TRACKED
from talanoa.lib.paging import keyset_page
from talanoa.models import AuditEvent

PAGE_SIZE = 50


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    kind = request.GET.get("kind")
    kind = kind if kind in AuditEvent.Kind.values else ""
    rows = AuditEvent.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    page = keyset_page(rows, before=request.GET.get("before"), after=request.GET.get("after"),
                       size=PAGE_SIZE, date_field="at")
    for event in page.items:
        label, _, pk = event.target.partition(":")
        event.history_label = label if label in TRACKED and pk.isdigit() else ""
        event.history_pk = pk
    return render(request, "talanoa/audit.html", {
        "page": page, "kind": kind, "kinds": AuditEvent.Kind.choices,
        "paged": bool(request.GET.get("before") or request.GET.get("after"))})
