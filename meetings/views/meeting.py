"""One meeting: its page and agenda, convening, requesting, editing and changing its status,
and answering an invitation (signed in, or by the emailed link)."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import ical, operations
from meetings.forms import (
    AgendaFormSet,
    AgendaStateForm,
    MeetingForm,
    RequestMeetingForm,
    RsvpForm,
    StatusForm,
)
from meetings.models import (
    AgendaItem,
    Invitee,
    Meeting,
)
from meetings.notices import invitee_from_token
from meetings.views.calendar import _ics_response, reader_zone, sees_online_link
from meetings.views.documents import documents_context
from members.models import WorkingGroup
from talanoa.access import (
    Viewer,
    get_item_for_user,
    grant_item,
    viewer_for,
    visible,
)
from talanoa.lib.editing import (
    CONFLICT_MESSAGE,
    EditConflict,
    form_status,
    save_form_versioned,
)
from talanoa.lib.models import Protected
from talanoa.ratelimit import rate_limited

# One meeting ---------------------------------------------------------------------------------

@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_item_for_user(request, Meeting.objects.select_related(
        "group", "country", "requested_by"), pk)
    if meeting.level == Meeting.Level.RESTRICTED:  # the page names who may see it
        prefetch_related_objects([meeting], "restricted_organisations", "restricted_people")
    viewer = viewer_for(request)
    can_edit = viewer.edits(meeting.group_id)
    agenda = agenda_with_links(meeting, viewer)
    answers = (list(meeting.invitees.select_related("person", "organisation"))
               if viewer.sees_members_level(meeting.group_id) else [])
    if answers:
        invitee = next((a for a in answers if a.person_id == viewer.person_id), None)
    else:
        invitee = (meeting.invitees.filter(person_id=viewer.person_id).first()
                   if viewer.person_id else None)
    tally = Counter(answer.response for answer in answers)
    answer_counts = [(label, tally[value]) for value, label in Invitee.Response.choices]
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "invitee": invitee, "can_edit": can_edit, "agenda": agenda,
        "answers": answers, "answer_counts": answer_counts,
        "show_online": sees_online_link(meeting, viewer, invitee),
        "rsvp_form": RsvpForm(initial={"response": invitee.response, "apologies":
                                       invitee.apologies}) if invitee else None,
        "status_actions": operations.ALLOWED[meeting.status] if can_edit else (),
        "transitions": meeting.transitions.select_related("by") if can_edit else [],
        "zone": reader_zone(request).key,
        **documents_context(meeting, can_edit, agenda)})


def agenda_with_links(meeting: Meeting, viewer: Viewer) -> list[AgendaItem]:
    """The agenda, each item's link kept only if the viewer may see what it points to (one query
    per kind of linked item, whatever the length of the agenda)."""
    agenda = list(meeting.agenda.select_related("presenter", "item_type"))
    wanted: dict[int, set[int]] = {}
    for item in agenda:
        item.visible_link = None
        if item.item_type_id:
            wanted.setdefault(item.item_type_id, set()).add(item.item_id)
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        queryset = model._default_manager.filter(pk__in=ids)
        if issubclass(model, Protected):
            queryset = visible(queryset, viewer)
        found = {obj.pk: obj for obj in queryset}
        for item in agenda:
            if item.item_type_id == type_id and item.item_id in found:
                item.visible_link = found[item.item_id]
    return agenda


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Add, reorder, edit and remove agenda items. A save made from the agenda as it was before
    someone else's save is refused (409) with their agenda shown; the editor's own stays in the
    form, to save again once seen."""
    meeting = get_item_for_user(request, Meeting, pk, write=True)
    viewer = viewer_for(request)
    formset = AgendaFormSet(request.POST or None, instance=meeting,
                            queryset=meeting.agenda.select_related("item_type"),
                            form_kwargs={"viewer": viewer})
    # The fingerprint of the very items the forms show (the formset's own query, read once).
    base = AgendaStateForm(request.POST or None, initial={
        "expected_state": operations.agenda_state(formset.get_queryset())})
    theirs = None
    if request.method == "POST" and all([base.is_valid(), formset.is_valid()]):
        try:
            operations.save_agenda(meeting, base.cleaned_data["expected_state"], formset.save)
        except operations.AgendaConflict as conflict:
            theirs = conflict.agenda
            messages.error(request, CONFLICT_MESSAGE)
            # The next save is a choice made having seen theirs: it starts from their agenda.
            base.data = base.data.copy()
            base.data["expected_state"] = conflict.state
        else:
            messages.success(request, _("Agenda saved."))
            return redirect(reverse("meetings:meeting", args=[meeting.pk]) + "#agenda")
    invalid = formset.is_bound and not (base.is_valid() and formset.is_valid())
    return render(request, "meetings/agenda_form.html",
                  {"meeting": meeting, "formset": formset, "base": base, "theirs": theirs},
                  status=409 if theirs is not None else 400 if invalid else 200)


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_item_for_user(request, Meeting.objects.select_related("group", "country"), pk)
    viewer = viewer_for(request)
    invitee = (meeting.invitees.filter(person_id=viewer.person_id).first()
               if viewer.person_id else None)
    with_link = sees_online_link(meeting, viewer, invitee)
    content = ical.calendar([meeting], name=str(meeting.group), with_online_links=with_link)
    # With the online link it is this reader's own copy: never kept by a shared cache.
    return _ics_response(content, f"meeting-{meeting.pk}.ics",
                         private=with_link or meeting.level != Meeting.Level.PUBLIC)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    """The chair (or secretariat) convenes a meeting directly (R5)."""
    viewer = viewer_for(request)
    if not viewer.is_editor:
        raise Http404
    meeting = Meeting(reminder_days=Meeting._meta.get_field("reminder_days").get_default())
    form = MeetingForm(request.POST or None, instance=meeting,
                       groups=_editable_groups(viewer), initial={"time_zone": "Pacific/Fiji"})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            meeting = form.save(commit=False)
            form.apply_times()
            operations.convene_meeting(meeting, request.user)
            form.save_m2m()
        # An external forum is only put on the calendar (operations.convene_meeting).
        messages.success(request, _("On the calendar as an external forum; nobody is invited.")
                         if meeting.kind == Meeting.Kind.FORUM else
                         _("Convened. Every representative is being emailed an invitation."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting},
                  status=form_status(form))


def _editable_groups(viewer: Viewer):
    if viewer.is_superuser:
        return WorkingGroup.objects.values_list("pk", flat=True)
    return viewer.editor_groups


@login_required
@require_http_methods(["GET", "POST"])
def meeting_request(request: HttpRequest) -> HttpResponse:
    """Any representative may ask the chair to convene a meeting (S15: ICT Ministers)."""
    viewer = viewer_for(request)
    groups = viewer.member_groups | viewer.editor_groups
    if not groups or viewer.person_id is None:
        raise Http404
    meeting = Meeting(kind=Meeting.Kind.MINISTERS)
    form = RequestMeetingForm(request.POST or None, instance=meeting, groups=groups)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            meeting = form.save(commit=False)
            form.apply_times()
            operations.request_meeting(meeting, request.user.person, request.user,
                                       reason=form.cleaned_data["reason"])
        messages.success(request, _("Your request is with the chair, who will approve or "
                                    "decline it."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html",
                  {"form": form, "meeting": meeting, "is_request": True},
                  status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_item_for_user(request, Meeting, pk, write=True)
    viewer = viewer_for(request)
    form = MeetingForm(request.POST or None, instance=meeting, groups=_editable_groups(viewer))

    def save(form):
        with transaction.atomic():
            changed = form.save(commit=False)
            if changed.status == Meeting.Status.REQUESTED:
                # A request stays hidden until convened: the level chosen is the one it takes then.
                changed.requested_level, changed.level = changed.level, Meeting.Level.RESTRICTED
            form.apply_times()
            operations.save_meeting_changes(changed, form.cleaned_data.get("expected_version"),
                                            request.user)
            form.save_m2m()
        return changed

    saved = save_form_versioned(request, form, save)
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "meetings/meeting_form.html",
                  {"form": form, "meeting": meeting, "conflict": form.conflict},
                  status=form_status(form))


@require_POST
@login_required
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_item_for_user(request, Meeting, pk, write=True)
    form = StatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(meeting)
    if form.cleaned_data["expected_version"] != meeting.version:
        messages.error(request, _("The meeting changed while you were looking at it. Check it "
                                  "again, then repeat your action."))
        return redirect(meeting)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"].strip()
    change = {
        "convene": lambda: operations.convene_meeting(meeting, request.user, reason),
        "decline": lambda: operations.decline_request(meeting, request.user, reason),
        "postpone": lambda: operations.postpone_meeting(meeting, request.user, reason),
        "cancel": lambda: operations.cancel_meeting(meeting, request.user, reason),
        "held": lambda: operations.mark_held(meeting, request.user),
    }[action]
    try:
        change()
    except operations.InvalidTransition:
        messages.error(request, _("This change is not possible from the meeting's current "
                                  "status."))
        return redirect(meeting)
    except EditConflict:
        messages.error(request, _("The meeting changed while you were looking at it."))
        return redirect(meeting)
    messages.success(request, _("Status: %(status)s.") % {
        "status": meeting.get_status_display()})
    return redirect(meeting)


@require_POST
@login_required
def meeting_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """A signed-in invitee answers on the meeting page."""
    meeting = get_item_for_user(request, Meeting, pk)
    viewer = viewer_for(request)
    invitee = get_object_or_404(Invitee, meeting=meeting, person_id=viewer.person_id)
    form = RsvpForm(request.POST)
    if not operations.takes_answers(meeting):
        messages.error(request, _("This meeting is no longer taking answers (%(status)s).") % {
            "status": meeting.get_status_display()})
    elif form.is_valid():
        operations.respond(invitee, form.cleaned_data["response"],
                           form.cleaned_data["apologies"])
        messages.success(request, _("Your answer is recorded."))
    else:
        messages.error(request, _("Choose an answer."))
    return redirect(meeting)


@require_http_methods(["GET", "POST"])
@rate_limited("rsvp", "PUBLIC_FORM_RATE")
def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link in the invitation: answer without logging in.

    GET only shows the choices (mail scanners open links); the answer is a POST."""
    invitee = invitee_from_token(token)
    # The link works only while its invitee may see the meeting (its level may have changed).
    if (invitee is None or invitee.meeting.archived_at is not None
            or not operations.entitled_invitees(invitee.meeting).filter(pk=invitee.pk).exists()):
        return render(request, "meetings/rsvp_invalid.html", status=404)
    meeting = invitee.meeting
    open_for_answers = operations.takes_answers(meeting)
    form = RsvpForm(request.POST or None, initial={
        "response": request.GET.get("answer") or invitee.response,
        "apologies": invitee.apologies})
    if request.method == "POST" and open_for_answers and form.is_valid():
        operations.respond(invitee, form.cleaned_data["response"],
                           form.cleaned_data["apologies"])
        grant_item(request, meeting)  # the link's holder may now read this meeting's page
        messages.success(request, _("Thank you: your answer is recorded."))
        return redirect(reverse("meetings:rsvp", args=[token]))
    return render(request, "meetings/rsvp.html", {
        "invitee": invitee, "meeting": meeting, "form": form,
        "open_for_answers": open_for_answers}, status=form_status(form))
