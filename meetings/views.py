import calendar as pycalendar
import datetime
import difflib
import hashlib
import logging
import secrets
import zoneinfo
from collections import Counter
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Min, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import ical, notices, operations
from meetings.forms import (
    AdoptForm,
    AgendaFormSet,
    AttendanceForm,
    CalendarFilterForm,
    CirculateForm,
    CorrectionForm,
    DecisionForm,
    DiffForm,
    MeetingDocumentForm,
    MeetingForm,
    MinutesCommentForm,
    MinutesForm,
    NoticeTextForm,
    RequestMeetingForm,
    RsvpForm,
    StatusForm,
)
from meetings.models import (
    AgendaItem,
    CalendarToken,
    Invitee,
    Meeting,
    Minutes,
    NoticeTemplate,
)
from meetings.notices import invitee_from_token
from meetings.pack import get_pack, live_documents, pack_parts, pdf_filename, zip_filename
from meetings.record import (
    can_read,
    record_for,
    revisions_for,
)
from members.models import WorkingGroup
from talanoa.access import (
    ANONYMOUS,
    Viewer,
    build_viewer,
    get_item_for_user,
    grant_item,
    require_editor,
    viewer_for,
    visible,
)
from talanoa.lib.editing import CONFLICT_MESSAGE, EditConflict, form_status, save_form_versioned
from talanoa.lib.exports import Column, export_format, export_response, iso, url_column
from talanoa.lib.files import attachment
from talanoa.lib.models import Protected
from talanoa.lib.paging import keyset_page
from talanoa.ratelimit import rate_limited
from tasks.forms import TaskForm

logger = logging.getLogger(__name__)
UPCOMING_SIZE = 30
FEED_PAST_DAYS = 92
# No meeting lasts longer (the form refuses it): a lower bound on the start lets the calendar
# read one stretch of the start-time index instead of every meeting that ever ended later.
LONGEST = datetime.timedelta(days=Meeting.LONGEST_DAYS)


def calendar_meetings(viewer: Viewer):
    """What a viewer may see of the calendar: convened meetings and after (requests are not)."""
    return visible(Meeting.objects.select_related("group"), viewer).filter(
        status__in=Meeting.SCHEDULED, archived_at__isnull=True)


def reader_zone(request: HttpRequest) -> zoneinfo.ZoneInfo:
    return timezone.get_current_timezone()


def sees_online_link(meeting: Meeting, viewer: Viewer, invitee: Invitee | None) -> bool:
    """Members of the group, and invitees who may still see the meeting (an invitation outlives
    a narrowed level or an ended membership; the link must not)."""
    if viewer.sees_members_level(meeting.group_id):
        return True
    return invitee is not None and operations.entitled_invitees(meeting).filter(
        pk=invitee.pk).exists()


def _filtered(request: HttpRequest, meetings):
    form = CalendarFilterForm(request.GET or None)
    group = kind = None
    if form.is_valid():
        if form.cleaned_data["group"]:
            group = WorkingGroup.objects.current().filter(slug=form.cleaned_data["group"]).first()
            if group is not None:
                meetings = meetings.filter(group=group)
        if kind := form.cleaned_data["kind"]:
            meetings = meetings.filter(kind=kind)
    return meetings, group, kind


# The calendar ------------------------------------------------------------------------------

def _meetings_export(request: HttpRequest, name: str, meetings, fmt: str) -> HttpResponse:
    """A calendar page's meetings as a download (talanoa.lib.exports). No online link: who may
    see one is decided per meeting and per invitee (sees_online_link), so it stays on the page."""
    return export_response(request, name, [
        Column("id", lambda m: m.pk),
        Column(_("Title (English)"), lambda m: m.title_en),
        Column(_("Title (French)"), lambda m: m.title_fr),
        Column(_("Kind"), lambda m: m.get_kind_display()),
        Column(_("Status"), lambda m: m.get_status_display()),
        Column(_("Starts (UTC)"), lambda m: iso(m.starts_at)),
        Column(_("Ends (UTC)"), lambda m: iso(m.ends_at)),
        Column(_("Time zone"), lambda m: m.time_zone),
        Column(_("Mode"), lambda m: m.get_mode_display()),
        Column(_("Venue"), lambda m: m.venue),
        Column(_("City"), lambda m: m.city),
        Column(_("Country"), lambda m: m.country.iso3 if m.country else None),
        Column(_("Level"), lambda m: m.get_level_display()),
        Column(_("Group"), lambda m: m.group.acronym or m.group.name_en),
        url_column(request),
    ], meetings.prefetch_related("country"), fmt)


@require_GET
def calendar_month(request: HttpRequest) -> HttpResponse:
    """A month grid in the reader's time zone; each meeting on the days it covers there."""
    zone = reader_zone(request)
    today = timezone.localdate()
    form = CalendarFilterForm(request.GET or None)
    month = form.cleaned_data.get("month") if form.is_valid() else None
    year, number = (int(part) for part in month.split("-")) if month else (today.year,
                                                                          today.month)
    if not 1900 < year < 3000:
        raise Http404
    first = datetime.date(year, number, 1)
    last = first.replace(day=pycalendar.monthrange(year, number)[1])
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, number)
    grid_start, grid_end = weeks[0][0], weeks[-1][-1]
    start = datetime.datetime.combine(grid_start, datetime.time(), zone)
    end = datetime.datetime.combine(grid_end + datetime.timedelta(days=1), datetime.time(), zone)
    meetings, group, kind = _filtered(request, calendar_meetings(viewer_for(request)))
    meetings = (meetings.filter(starts_at__lt=end, starts_at__gte=start - LONGEST,
                                ends_at__gt=start).order_by("starts_at", "pk"))
    if fmt := export_format(request):
        return _meetings_export(request, f"meetings-{year}-{number:02d}", meetings, fmt)
    meetings = list(meetings[:500])
    by_day: dict[datetime.date, list[Meeting]] = {}
    for meeting in meetings:
        day = max(meeting.starts_at.astimezone(zone).date(), grid_start)
        # An end at local midnight belongs to the day before.
        last_day = min((meeting.ends_at.astimezone(zone) - datetime.timedelta(
            microseconds=1)).date(), grid_end)
        while day <= last_day:
            by_day.setdefault(day, []).append(meeting)
            day += datetime.timedelta(days=1)
    grid = [[(day, day.month == number, day == today, by_day.get(day, [])) for day in week]
            for week in weeks]
    previous = (first - datetime.timedelta(days=1)).strftime("%Y-%m")
    following = (last + datetime.timedelta(days=1)).strftime("%Y-%m")
    return render(request, "meetings/calendar_month.html", {
        "grid": grid, "first": first, "previous": previous, "following": following,
        "zone": zone.key, "groups": WorkingGroup.objects.current().only("slug", "name_en",
                                                                         "name_fr"),
        "kinds": Meeting.Kind.choices, "group": group, "kind": kind,
        "query": _query_without_month(request)})


def _query_without_month(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("month", None)
    return query.urlencode()


@require_GET
def calendar_upcoming(request: HttpRequest) -> HttpResponse:
    meetings, group, kind = _filtered(request, calendar_meetings(viewer_for(request)))
    now = timezone.now()
    upcoming = (meetings.filter(ends_at__gte=now, starts_at__gte=now - LONGEST,
                                status__in=(Meeting.Status.CONVENED, Meeting.Status.POSTPONED))
                .order_by("starts_at", "pk"))
    if fmt := export_format(request):
        return _meetings_export(request, "meetings-upcoming", upcoming, fmt)
    upcoming = list(upcoming[:UPCOMING_SIZE])
    this_year = timezone.localdate().year
    return render(request, "meetings/calendar_upcoming.html", {
        "meetings": upcoming, "years": range(this_year, this_year - 11, -1),
        "groups": WorkingGroup.objects.current().only("slug", "name_en", "name_fr"),
        "kinds": Meeting.Kind.choices, "group": group, "kind": kind,
        "zone": reader_zone(request).key})


@require_GET
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    """The archive of a year, newest first, paged by a cursor (see talanoa.lib.paging)."""
    if not 1900 < year < 3000:
        raise Http404
    zone = reader_zone(request)
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    meetings, group, kind = _filtered(request, calendar_meetings(viewer_for(request)))
    meetings = meetings.filter(starts_at__gte=start, starts_at__lt=end)
    if fmt := export_format(request):
        return _meetings_export(request, f"meetings-{year}", meetings.order_by("-starts_at",
                                                                                "-pk"), fmt)
    page = keyset_page(meetings,
                       before=request.GET.get("before"), after=request.GET.get("after"),
                       size=UPCOMING_SIZE, date_field="starts_at")
    return render(request, "meetings/calendar_year.html", {
        "page": page, "year": year, "group": group, "kind": kind, "zone": zone.key})


# Feeds ---------------------------------------------------------------------------------------

def _ics_response(content: bytes, filename: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _feed_window(meetings):
    # From a day boundary, so the feed's query (and its cache key) is the same all day.
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    since = today - datetime.timedelta(days=FEED_PAST_DAYS)
    return meetings.filter(starts_at__gte=since).select_related("country").order_by("starts_at",
                                                                               "pk")


def _public_calendar(meetings, name: str) -> bytes:
    """A public feed, rebuilt only when a meeting in it changed: calendar programs poll feeds,
    and building one costs far more than asking whether anything changed."""
    fingerprint = meetings.aggregate(n=Count("pk"), changed=Max("updated_at"),
                                     first=Min("pk"))
    key = "meetings:feed:" + hashlib.sha256(repr(
        (str(meetings.query), fingerprint, name, translation.get_language())).encode()
    ).hexdigest()
    content = cache.get(key)
    if content is None:
        content = ical.calendar(meetings, name=name)
        cache.set(key, content, 3600)
    return content


@require_GET
def public_feed(request: HttpRequest) -> HttpResponse:
    """Every public meeting (never a members-level one: the anonymous viewer asks the policy)."""
    meetings = _feed_window(calendar_meetings(ANONYMOUS))
    return _ics_response(_public_calendar(meetings, _("Talanoa: public calendar")),
                         "talanoa.ics", private=False)


@require_GET
def group_feed(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(WorkingGroup.objects.current(), slug=slug)
    meetings = _feed_window(calendar_meetings(ANONYMOUS).filter(group=group))
    return _ics_response(_public_calendar(meetings, str(group)), f"{group.slug}.ics",
                         private=False)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@require_GET
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Everything the token's owner may see, as the policy says for them today."""
    row = (CalendarToken.objects.select_related("person__user")
           .filter(token_hash=hash_token(token), revoked_at__isnull=True).first())
    if row is None or row.person.user is None or not row.person.user.is_active:
        raise Http404
    viewer = build_viewer(row.person.user)
    meetings = list(_feed_window(calendar_meetings(viewer)))
    # Online links where the person may have them as a member of the group (an invitee who is
    # not has the link in their invitation).
    linked = {m.pk for m in meetings if viewer.sees_members_level(m.group_id)}
    return _ics_response(ical.calendar(meetings, name=_("Talanoa: my meetings"),
                                       with_online_links=linked), "my-meetings.ics", private=True)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_token(request: HttpRequest) -> HttpResponse:
    """A person's own feed address: made here, shown once, revoked by making a new one."""
    viewer = viewer_for(request)
    if viewer.person_id is None:
        raise Http404
    tokens = CalendarToken.objects.filter(person_id=viewer.person_id, revoked_at__isnull=True)
    feed_url = None
    if request.method == "POST":
        token = secrets.token_urlsafe(32)
        with transaction.atomic():
            tokens.update(revoked_at=timezone.now())
            CalendarToken.objects.create(person_id=viewer.person_id, token_hash=hash_token(token))
        feed_url = request.build_absolute_uri(reverse("meetings:personal_feed", args=[token]))
        if "revoke" in request.POST:
            CalendarToken.objects.filter(token_hash=hash_token(token)).update(
                revoked_at=timezone.now())
            messages.success(request, _("Your calendar address no longer works."))
            return redirect("meetings:calendar_token")
    return render(request, "meetings/calendar_token.html",
                  {"active": tokens.first(), "feed_url": feed_url})


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
    meeting = get_item_for_user(request, Meeting, pk, write=True)
    viewer = viewer_for(request)
    formset = AgendaFormSet(request.POST or None, instance=meeting,
                            queryset=meeting.agenda.select_related("item_type"),
                            form_kwargs={"viewer": viewer})
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, _("Agenda saved."))
        return redirect(reverse("meetings:meeting", args=[meeting.pk]) + "#agenda")
    return render(request, "meetings/agenda_form.html", {"meeting": meeting, "formset": formset},
                  status=400 if formset.is_bound and not formset.is_valid() else 200)


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
    subject, body = notices.notice_text(kind, language)
    form = NoticeTextForm(request.POST or None, initial={"subject": subject, "body": body})
    preview = None
    if request.method == "POST" and form.is_valid():
        subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
        if "preview" not in request.POST:
            operations.save_notice_text(kind, language, subject, body)
            messages.success(request, _("Saved: every email of this kind now uses this text."))
            return redirect("meetings:notice_edit", kind=kind, language=language)
    if not form.errors:
        preview = notices.preview(subject, body, language)
    row = NoticeTemplate.objects.filter(kind=kind, language=language).first()
    return render(request, "meetings/notice_form.html", {
        "form": form, "kind": kind, "kind_label": NoticeTemplate.Kind(kind).label,
        "language": language, "preview": preview, "row": row, "edited": _is_edited(row),
        "placeholders": [(name, notices.PLACEHOLDER_HELP[name])
                         for name in notices.PLACEHOLDERS],
        "previewing": request.method == "POST"}, status=form_status(form))


@require_POST
@login_required
def notice_restore(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    require_editor(request)
    kind, language = _notice_or_404(kind, language)
    operations.restore_default_notice(kind, language)
    messages.success(request, _("The default text is back. The edited text stays in the history."))
    return redirect("meetings:notice_edit", kind=kind, language=language)


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


