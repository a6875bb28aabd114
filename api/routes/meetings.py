"""Meetings: the calendar as each caller may see it, one meeting, and one's own answer (RSVP)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from api.items import Day, GroupItemOut, absolute, visible_or_404
from api.service import Page, Paging, page_of, require_token, responses, viewer
from meetings import operations
from meetings.forms import RsvpForm
from meetings.models import AgendaItem, Invitee, Meeting
from meetings.views import calendar_meetings

router = Router(tags=["meetings"])

# The answers an invitee may give: those of the meeting page's form (not "pending").
ANSWERS = tuple(value for value, _label in RsvpForm.base_fields["response"].choices)
Answer = Literal[ANSWERS]  # type: ignore[valid-type]


class MeetingOut(GroupItemOut):
    id: int
    title_en: str
    title_fr: str
    group: str
    kind: str
    status: str
    level: str
    starts_at: datetime.datetime = Field(description="In the meeting's own time zone")
    ends_at: datetime.datetime = Field(description="In the meeting's own time zone")
    time_zone: str
    mode: str
    venue: str
    city: str
    country: str | None = Field(description="ISO 3166 three-letter code")
    url: str
    ical_url: str


    @staticmethod
    def resolve_starts_at(meeting: Meeting) -> datetime.datetime:
        return meeting.local_start

    @staticmethod
    def resolve_ends_at(meeting: Meeting) -> datetime.datetime:
        return meeting.local_end

    @staticmethod
    def resolve_country(meeting: Meeting) -> str | None:
        return meeting.country.iso3 if meeting.country_id else None


    @staticmethod
    def resolve_ical_url(meeting: Meeting, context) -> str:
        return absolute(context, reverse("meetings:meeting_ics", args=[meeting.pk]))


class AgendaItemOut(Schema):
    order: int
    title_en: str
    title_fr: str


class MeetingDetailOut(MeetingOut):
    description_en: str
    description_fr: str
    agenda: list[AgendaItemOut]

    @staticmethod
    def resolve_agenda(meeting: Meeting) -> list[AgendaItem]:
        return list(meeting.agenda.all())


class MeetingPage(Page):
    results: list[MeetingOut]


class MeetingFilter(Paging):
    group: str | None = Field(None, max_length=50, description="A working group's slug")
    status: Literal[tuple(Meeting.SCHEDULED)] | None = None  # type: ignore[valid-type]
    starts_from: Day | None = Field(
        None, alias="from", description="Meetings starting on or after this day (UTC)")
    starts_to: Day | None = Field(
        None, alias="to", description="Meetings starting on or before this day (UTC)")


class RsvpIn(Schema):
    response: Answer
    note: str = Field("", max_length=2000, description="Apologies or a note")


class RsvpOut(Schema):
    meeting: int
    response: str
    note: str
    responded_at: datetime.datetime | None

    @staticmethod
    def resolve_meeting(invitee: Invitee) -> int:
        return invitee.meeting_id

    @staticmethod
    def resolve_note(invitee: Invitee) -> str:
        return invitee.apologies


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC)


def _meetings():
    return Meeting.objects.select_related("group", "country")


@router.get("/meetings", response=responses(MeetingPage),
            summary="Meetings on the calendar, filtered by group, status and start date")
def list_meetings(request: HttpRequest, filters: Query[MeetingFilter]):
    # The calendar's own rule: convened meetings and after, as far as the caller may see them.
    meetings = calendar_meetings(viewer(request)).select_related("country")
    if filters.group:
        meetings = meetings.filter(group__slug=filters.group)
    if filters.status:
        meetings = meetings.filter(status=filters.status)
    if filters.starts_from:
        meetings = meetings.filter(starts_at__gte=_day_start(filters.starts_from))
    if filters.starts_to and filters.starts_to < datetime.date.max:  # the last day has no next
        meetings = meetings.filter(
            starts_at__lt=_day_start(filters.starts_to + datetime.timedelta(days=1)))
    return page_of(meetings, filters)


@router.get("/meetings/{meeting_id}", response=responses(MeetingDetailOut, 404),
            summary="A meeting, with its agenda")
def get_meeting(request: HttpRequest, meeting_id: int):
    # The meeting page's rule: any meeting the caller may see (a request, by its requester).
    return visible_or_404(_meetings().prefetch_related("agenda"), viewer(request), meeting_id)


@router.post("/meetings/{meeting_id}/rsvp", response=responses(RsvpOut, 400, 404, 409),
             summary="Answer one's own invitation to a meeting (a personal token is required)")
def answer_meeting(request: HttpRequest, meeting_id: int, answer: RsvpIn):
    me = require_token(request)
    if me.person_id is None:
        raise Http404
    meeting = visible_or_404(Meeting.objects.all(), me, meeting_id)
    invitee = get_object_or_404(Invitee.objects.select_related("meeting"), meeting=meeting,
                                person_id=me.person_id)
    form = RsvpForm({"response": answer.response, "apologies": answer.note})
    if not form.is_valid():
        raise HttpError(400, "; ".join(e for errors in form.errors.values() for e in errors))
    try:
        return operations.respond(invitee, form.cleaned_data["response"],
                                  form.cleaned_data["apologies"])
    except operations.ClosedForAnswers:
        raise HttpError(409, f"This meeting is no longer taking answers ({meeting.status}).") \
            from None
