"""The texts of meeting notices (invitation, update, cancellation, reminder) in English and
French, which the secretariat edits and can restore to the default."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import notices, operations
from meetings.forms import (
    NoticeRestoreForm,
    NoticeTextForm,
)
from meetings.models import (
    NoticeTemplate,
)
from talanoa.access import (
    require_editor,
)
from talanoa.lib.editing import (
    EditConflict,
    conflict_rows,
    form_status,
    save_form_versioned,
)

# Notice texts --------------------------------------------------------------------------------

NOTICE_LANGUAGES = ("en", "fr")


def _notice_or_404(kind: str, language: str) -> tuple[str, str]:
    if kind not in NoticeTemplate.Kind.values or language not in NOTICE_LANGUAGES:
        raise Http404
    return kind, language


def _is_edited(row: NoticeTemplate | None) -> bool:
    return row is not None and (row.subject, row.body) != notices.DEFAULT_NOTICES[
        (row.kind, row.language)]


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """Every kind of meeting email in English and French: the secretariat's text or the default."""
    require_editor(request)
    rows = {(row.kind, row.language): row for row in NoticeTemplate.objects.all()}
    entries = [{"kind": kind, "label": label, "language": language,
                "subject": notices.notice_text(kind, language)[0],
                "edited": _is_edited(rows.get((kind, language)))}
               for kind, label in NoticeTemplate.Kind.choices for language in NOTICE_LANGUAGES]
    return render(request, "meetings/notice_list.html", {"entries": entries})


@login_required
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    """Edit one text; "Preview" fills it in for a sample meeting without saving it."""
    require_editor(request)
    kind, language = _notice_or_404(kind, language)
    # The text and its version from one read: the version must be that of the text shown.
    row = NoticeTemplate.objects.filter(kind=kind, language=language).first()
    subject, body = (row.subject, row.body) if row else notices.DEFAULT_NOTICES[(kind, language)]
    form = NoticeTextForm(request.POST or None, initial={
        "subject": subject, "body": body, "expected_version": row.version if row else 0})

    def save(form: NoticeTextForm) -> NoticeTemplate:
        return operations.save_notice_text(kind, language, form.cleaned_data["subject"],
                                           form.cleaned_data["body"],
                                           form.cleaned_data["expected_version"])

    if "preview" in request.POST:
        form.conflict = None  # a preview saves nothing, so it conflicts with nothing
    elif save_form_versioned(request, form, save) is not None:
        messages.success(request, _("Saved: every email of this kind now uses this text."))
        return redirect("meetings:notice_edit", kind=kind, language=language)
    if form.is_bound and form.is_valid():
        subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
    preview = None if form.errors else notices.preview(subject, body, language)
    row = form.conflict or row  # after a conflict, the page is about the text saved meanwhile
    return render(request, "meetings/notice_form.html", {
        "form": form, "kind": kind, "kind_label": NoticeTemplate.Kind(kind).label,
        "language": language, "preview": preview, "row": row, "edited": _is_edited(row),
        "conflict": form.conflict, "conflict_rows": conflict_rows(form),
        "placeholders": [(name, notices.PLACEHOLDER_HELP[name])
                         for name in notices.PLACEHOLDERS],
        "previewing": request.method == "POST"}, status=form_status(form))


@require_POST
@login_required
def notice_restore(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    require_editor(request)
    kind, language = _notice_or_404(kind, language)
    form = NoticeRestoreForm(request.POST)
    # Without the version the editor saw, the text they would throw away is unknown to them.
    restored = form.is_valid()
    if restored:
        try:
            operations.restore_default_notice(kind, language,
                                              form.cleaned_data["expected_version"])
        except EditConflict:
            restored = False
    if restored:
        messages.success(request, _("The default text is back. The edited text stays in the "
                                    "history."))
    else:
        messages.error(request, _("Someone saved this text after you opened the page, so the "
                                  "default text was not restored. Read the text as saved now, "
                                  "then restore the default again if you still want it."))
    return redirect("meetings:notice_edit", kind=kind, language=language)
