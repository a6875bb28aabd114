"""The calendar of meetings (a month, the upcoming ones, a year, each filterable and exported) and
the iCalendar feeds: public, per group, and each person's own behind a secret token."""

import calendar as pycalendar
import datetime
import hashlib
import secrets
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from meetings import ical, operations
from meetings.forms import (
    CalendarFilterForm,
)
from meetings.models import (
    CalendarToken,
    Invitee,
    Meeting,
)
from members.models import WorkingGroup
from talanoa.access import (
    ANONYMOUS,
    Viewer,
    build_viewer,
    viewer_for,
    visible,
)
from talanoa.lib.exports import Column, export_format, export_response, iso, url_column
from talanoa.lib.paging import keyset_page

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
