"""A meeting's documents and its pack (one ZIP, one PDF): listed, uploaded, archived, downloaded
through the access policy."""

import logging
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import operations
from meetings.forms import (
    MeetingDocumentForm,
)
from meetings.models import (
    AgendaItem,
    Meeting,
)
from meetings.pack import get_pack, live_documents, pack_parts, pdf_filename, zip_filename
from talanoa.access import (
    get_item_for_user,
    viewer_for,
)
from talanoa.lib.editing import form_status
from talanoa.lib.files import attachment

logger = logging.getLogger(__name__)


# Documents and the meeting pack --------------------------------------------------------------

def documents_context(meeting: Meeting, can_edit: bool, agenda: list[AgendaItem]) -> dict:
    """The meeting's files (archived ones too, for its editors) and the pack's sizes.

    The pack is built on the first view after its contents change, then read from disk."""
    documents = list(meeting.documents.order_by("created_at", "pk") if can_edit
                     else live_documents(meeting))
    for document in documents:
        document.file_type = PurePath(document.file.name).suffix.lstrip(".").upper()
    live = [document for document in documents if document.archived_at is None]
    try:
        pack = get_pack(pack_parts(meeting, agenda=agenda, documents=live))
    except Exception:
        # The meeting's page must not fail with the pack (a document missing on disk, a PDF that
        # does not render): it says the pack is unavailable, and the error is logged.
        logger.exception("The pack of meeting %s could not be built", meeting.pk)
        pack = None
    return {"documents": documents, "pack": pack,
            "document_form": MeetingDocumentForm() if can_edit else None}


def _is_public(meeting: Meeting) -> bool:
    return meeting.level == Meeting.Level.PUBLIC and meeting.archived_at is None


@require_GET
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    meeting = get_item_for_user(request, Meeting, pk)
    documents = (meeting.documents.all() if viewer_for(request).edits(meeting.group_id)
                 else live_documents(meeting))
    document = get_object_or_404(documents, pk=doc_pk)
    name = document.file.name.rsplit("/", 1)[-1]
    response = attachment(document.file.open("rb"), name, of=meeting, max_age=300,
                          public=_is_public(meeting) and document.archived_at is None)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_item_for_user(request, Meeting.objects.select_related("group"), pk, write=True)
    form = MeetingDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        operations.add_document(meeting, form.cleaned_data["title"], form.cleaned_data["file"],
                                request.user)
        messages.success(request, _("Document added. Everyone who can see the meeting can "
                                    "download it."))
        return redirect(reverse("meetings:meeting", args=[meeting.pk]) + "#documents")
    return render(request, "meetings/document_form.html", {"meeting": meeting, "form": form},
                  status=form_status(form))


@require_POST
@login_required
def document_archive(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    """Archive a document (or restore an archived one): nothing is deleted."""
    meeting = get_item_for_user(request, Meeting, pk, write=True)
    document = get_object_or_404(meeting.documents, pk=doc_pk)
    if document.is_archived:
        operations.restore_document(document)
        messages.success(request, _("Document restored."))
    else:
        operations.archive_document(document)
        messages.success(request, _("Document archived: it is no longer listed or in the "
                                    "meeting pack, and can be restored here."))
    return redirect(reverse("meetings:meeting", args=[meeting.pk]) + "#documents")


@require_GET
def pack_zip(request: HttpRequest, pk: int) -> FileResponse:
    """One download per meeting: agenda (PDF), minutes and every live document."""
    meeting = get_item_for_user(request, Meeting.objects.select_related("group", "country"), pk)
    pack = get_pack(pack_parts(meeting))
    response = attachment(pack.zip_path.open("rb"), zip_filename(meeting), of=meeting,
                          max_age=300, public=_is_public(meeting))
    return response


@require_GET
def pack_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """Agenda, minutes and the list of documents in one PDF."""
    meeting = get_item_for_user(request, Meeting.objects.select_related("group", "country"), pk)
    pack = get_pack(pack_parts(meeting))
    response = attachment(pack.pdf_path.open("rb"), pdf_filename(meeting), of=meeting,
                          max_age=300, public=_is_public(meeting))
    return response
