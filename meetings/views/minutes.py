"""The record of a held meeting: minutes drafted, corrected, circulated for comment and adopted,
their revisions and differences, attendance, and the decisions and actions agreed."""

import datetime
import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import operations
from meetings.forms import (
    AdoptForm,
    AttendanceForm,
    CirculateForm,
    CorrectionForm,
    DecisionForm,
    DiffForm,
    MinutesCommentForm,
    MinutesForm,
)
from meetings.models import (
    Meeting,
    Minutes,
)
from meetings.record import (
    can_read,
    record_for,
    revisions_for,
)
from talanoa.access import (
    get_item_for_user,
    viewer_for,
)
from talanoa.lib.editing import CONFLICT_MESSAGE, EditConflict, form_status
from tasks.forms import TaskForm


def _meeting_for(request: HttpRequest, pk: int, write: bool = False) -> Meeting:
    """The meeting through the policy: its minutes and record inherit its visibility."""
    return get_item_for_user(request, Meeting.objects.select_related("group"), pk, write=write)


def _minutes_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("meetings:minutes", args=[meeting.pk]) + anchor


def _minutes_page(request: HttpRequest, meeting: Meeting, *, status: int = 200,
                  error: str | None = None, **forms) -> HttpResponse:
    """The minutes page; a refused form comes back bound, with its errors (400)."""
    viewer = viewer_for(request)
    record = record_for(meeting, viewer)
    minutes = record.minutes
    revisions, comments, transitions = [], [], []
    if record.readable and minutes is not None:
        revisions = list(revisions_for(minutes, meeting, viewer))
        # "What changed" compares with the previous revision this reader may see.
        for previous, revision in zip([None, *revisions], revisions, strict=False):
            revision.previous = previous.number if previous else None
        if record.shows_names:
            comments = minutes.comments.select_related("person", "organisation")
        if record.can_edit:
            transitions = list(minutes.transitions.select_related("by"))
            for transition in transitions:
                transition.to_label = Minutes.Status(transition.to_status).label
    context = {
        "meeting": meeting, "record": record, "revisions": revisions, "comments": comments,
        "transitions": transitions, "error": error,
        "comment_form": forms.get("comment_form") or MinutesCommentForm(),
        "circulate_form": forms.get("circulate_form") or CirculateForm(initial={
            "comments_until": timezone.localdate() + datetime.timedelta(days=14)}),
        "adopt_form": forms.get("adopt_form") or AdoptForm(),
    }
    return render(request, "meetings/minutes.html", context, status=status)


@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    return _minutes_page(request, meeting)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A new revision of draft or circulated minutes (adopted ones take a correction)."""
    meeting = _meeting_for(request, pk, write=True)
    found = Minutes.objects.filter(meeting=meeting).first()
    if found is not None and found.is_locked and request.method == "GET":
        messages.info(request, _("These minutes are adopted and locked: record a correction."))
        return redirect("meetings:minutes_correct", meeting.pk)
    return _revision_form(request, meeting, found or Minutes(meeting=meeting), MinutesForm)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """A correction to adopted minutes: a new revision with its reason; both are kept."""
    meeting = _meeting_for(request, pk, write=True)
    found = Minutes.objects.filter(meeting=meeting).first()
    if (found is None or not found.is_locked) and request.method == "GET":
        return redirect("meetings:minutes_edit", meeting.pk)
    return _revision_form(request, meeting, found or Minutes(meeting=meeting), CorrectionForm)


def _revision_form(request: HttpRequest, meeting: Meeting, minutes_: Minutes,
                   form_class) -> HttpResponse:
    current = minutes_.current if minutes_.pk else None
    form = form_class(request.POST or None, current_text=current.text if current else "",
                      initial={"text": current.text if current else "",
                               "expected_revision": current.number if current else 0})
    correcting = form_class is CorrectionForm
    conflict = error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if correcting:
                operations.correct_minutes(minutes_, data["text"], data["reason"], request.user,
                                           expected_revision=data["expected_revision"])
            else:
                operations.write_minutes(minutes_, data["text"], request.user, data["reason"],
                                         expected_revision=data["expected_revision"])
        except EditConflict as exc:
            conflict = exc.current
            messages.error(request, CONFLICT_MESSAGE)
            form.data = form.data.copy()
            form.data["expected_revision"] = conflict.number
        except operations.MinutesLocked:
            error = _("These minutes are adopted and locked: nothing was saved. Record a "
                      "correction instead.")
        except operations.InvalidTransition:
            error = (_("Only adopted minutes take a correction: edit the draft instead.")
                     if correcting else
                     _("Minutes are written once the meeting is marked as held: nothing was "
                       "saved."))
        else:
            messages.success(request, _("Correction recorded; the adopted text is kept.")
                             if correcting else _("Minutes saved."))
            return redirect(_minutes_url(meeting))
    status = 409 if conflict else 400 if (error or (form.is_bound and form.errors)) else 200
    return render(request, "meetings/minutes_form.html", {
        "meeting": meeting, "form": form, "minutes": minutes_, "current": current,
        "correcting": correcting, "conflict": conflict, "error": error,
        "held": meeting.status in (Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED)},
        status=status)


@require_POST
@login_required
def minutes_circulate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk, write=True)
    found = Minutes.objects.filter(meeting=meeting).first()
    form = CirculateForm(request.POST)
    if found is None:
        return _minutes_page(request, meeting, status=400, circulate_form=form,
                             error=_("Write the minutes before circulating them."))
    if not form.is_valid():
        return _minutes_page(request, meeting, status=400, circulate_form=form)
    try:
        operations.circulate_minutes(found, form.cleaned_data["comments_until"], request.user)
    except operations.InvalidTransition:
        return _minutes_page(request, meeting, status=400, circulate_form=form, error=_(
            "Adopted minutes are not circulated again: nothing was changed."))
    messages.success(request, _("Circulated: members may comment until %(date)s.") % {
        "date": date_format(form.cleaned_data["comments_until"])})
    return redirect(_minutes_url(meeting))


@require_POST
@login_required
def minutes_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk, write=True)
    found = Minutes.objects.filter(meeting=meeting).first()
    form = AdoptForm(request.POST)
    if found is None or not form.is_valid():
        return _minutes_page(request, meeting, status=400, adopt_form=form,
                             error=None if found else _("There are no minutes to adopt."))
    try:
        operations.adopt_minutes(found, request.user, form.cleaned_data["reason"])
    except operations.InvalidTransition:
        return _minutes_page(request, meeting, status=400, adopt_form=form, error=_(
            "Only circulated minutes of a held meeting can be adopted: nothing was changed."))
    messages.success(request, _("The minutes are adopted and locked."))
    return redirect(_minutes_url(meeting))


@require_POST
@login_required
def minutes_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A member of the group comments on circulated minutes, until their date."""
    meeting = _meeting_for(request, pk)
    viewer = viewer_for(request)
    if not viewer.sees_members_level(meeting.group_id) or viewer.person_id is None:
        raise PermissionDenied
    found = Minutes.objects.filter(meeting=meeting).first()
    if found is None or not can_read(found, meeting, viewer):
        raise Http404
    form = MinutesCommentForm(request.POST)
    if not form.is_valid():
        return _minutes_page(request, meeting, status=400, comment_form=form)
    try:
        operations.comment_on_minutes(found, request.user.person, form.cleaned_data["text"],
                                      form.cleaned_data["section"])
    except operations.CommentsClosed:
        return _minutes_page(request, meeting, status=400, comment_form=form, error=_(
            "Comments on these minutes are closed: your comment was not recorded."))
    messages.success(request, _("Thank you: your comment is recorded."))
    return redirect(_minutes_url(meeting, "#comments"))


def _readable_minutes(request: HttpRequest, pk: int) -> tuple[Meeting, Minutes]:
    meeting = _meeting_for(request, pk)
    found = Minutes.objects.filter(meeting=meeting).first()
    if found is None or not can_read(found, meeting, viewer_for(request)):
        raise Http404
    return meeting, found


@require_GET
def minutes_revision(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    meeting, found = _readable_minutes(request, pk)
    revision = get_object_or_404(revisions_for(found, meeting, viewer_for(request)),
                                 number=number)
    return render(request, "meetings/minutes_revision.html",
                  {"meeting": meeting, "minutes": found, "revision": revision})


@require_GET
def minutes_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between two revisions (by default: the last change)."""
    meeting, found = _readable_minutes(request, pk)
    revisions = list(revisions_for(found, meeting, viewer_for(request)).select_related(None)
                     .only("number", "created_at", "reason", "is_correction", "minutes_id"))
    numbers = [r.number for r in revisions]
    form = DiffForm(request.GET or None, numbers=numbers)
    if request.GET and not form.is_valid():
        return render(request, "meetings/minutes_diff.html", {
            "meeting": meeting, "form": form, "revisions": revisions, "lines": None},
            status=400)
    older = form.cleaned_data.get("a") if form.is_bound else None
    newer = form.cleaned_data.get("b") if form.is_bound else None
    if newer is None:
        newer = numbers[-1] if numbers else None
    if older is None and newer is not None:
        older = max((n for n in numbers if n < newer), default=newer)
    texts = dict(found.revisions.filter(number__in=[older, newer]).values_list("number", "text"))
    lines = diff_lines(texts.get(older, ""), texts.get(newer, "")) if newer else []
    return render(request, "meetings/minutes_diff.html", {
        "meeting": meeting, "form": form, "revisions": revisions, "lines": lines,
        "older": older, "newer": newer})


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, line) for a unified diff: "add", "del", "same" or "gap" between hunks."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(("gap", "…"))
        elif line.startswith("+"):
            lines.append(("add", line[1:]))
        elif line.startswith("-"):
            lines.append(("del", line[1:]))
        else:
            lines.append(("same", line[1:]))
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk, write=True)
    form = DecisionForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            decision = operations.record_decision(meeting, form.cleaned_data["text_en"],
                                                  form.cleaned_data["text_fr"])
        except operations.MinutesLocked:
            error = _("The minutes are adopted: no decision can be added. Nothing was saved.")
        except operations.InvalidTransition:
            error = _("Decisions are recorded once the meeting is marked as held.")
        else:
            messages.success(request, _("Decision %(number)s recorded.") % {
                "number": decision.number})
            return redirect(_minutes_url(meeting, "#decisions"))
    return render(request, "meetings/record_form.html", {
        "meeting": meeting, "form": form, "error": error, "title": _("Record a decision")},
        status=400 if error else form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Who was there, in person or remotely: everyone invited is listed, and anyone else may
    be added."""
    meeting = _meeting_for(request, pk, write=True)
    recorded = {row.person_id: row for row in
                meeting.attendance.select_related("person", "organisation")}
    known = []
    for invitee in meeting.invitees.select_related("person", "organisation"):
        row = recorded.pop(invitee.person_id, None)
        known.append((invitee.person, row.organisation if row else invitee.organisation,
                      row.presence if row else ""))
    known += [(row.person, row.organisation, row.presence) for row in recorded.values()]
    known.sort(key=lambda k: (k[1].name_en if k[1] else "", k[0].name))
    form = AttendanceForm(request.POST or None, known=known)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            count = operations.record_attendance(meeting, form.cleaned_data["rows"])
        except operations.MinutesLocked:
            error = _("The minutes are adopted: attendance no longer changes. Nothing was "
                      "saved.")
        except operations.InvalidTransition:
            error = _("Attendance is recorded once the meeting is marked as held.")
        else:
            messages.success(request, _("Attendance saved: %(count)s present.") % {
                "count": count})
            return redirect(_minutes_url(meeting, "#attendance"))
    return render(request, "meetings/attendance_form.html", {
        "meeting": meeting, "form": form, "error": error},
        status=400 if error else form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk, write=True)
    form = TaskForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operations.add_action(meeting, data["title"], data["owner_organisation"],
                                  request.user, owner_person=data["owner_person"],
                                  due_on=data["due_on"], description=data["description"])
        except operations.InvalidTransition:
            error = _("Actions are recorded once the meeting is marked as held.")
        else:
            messages.success(request, _("Action recorded."))
            return redirect(_minutes_url(meeting, "#actions"))
    return render(request, "meetings/record_form.html", {
        "meeting": meeting, "form": form, "error": error, "title": _("Record an action")},
        status=400 if error else form_status(form))
