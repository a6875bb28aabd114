"""iCalendar (RFC 5545) for meetings: feeds, downloads and the invitations in notices (RFC 5546).

Every meeting keeps one UID for life; its SEQUENCE rises with each change attendees must apply,
so calendar programs replace their copy instead of adding a second one.
"""

import datetime
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone

from meetings.models import Meeting
from talanoa.lib.bilingual import localized

PRODID = "-//Talanoa//Meetings//EN"
_STATUS = {
    Meeting.Status.CONVENED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.MINUTES_ADOPTED: "CONFIRMED",
    Meeting.Status.POSTPONED: "TENTATIVE",
    Meeting.Status.CANCELLED: "CANCELLED",
    Meeting.Status.REQUESTED: "TENTATIVE",
    Meeting.Status.DECLINED: "CANCELLED",
}


def organizer_address() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "talanoa@localhost"


def meeting_event(meeting: Meeting, *, with_online_link: bool, attendee: str | None = None,
                  cancel: bool = False) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_end)
    event.add("summary", str(localized(meeting, "title")))
    event.add("status", "CANCELLED" if cancel else _STATUS[meeting.status])
    url = settings.SITE_URL + meeting.get_absolute_url()
    event.add("url", url)
    description = [str(localized(meeting, "description")), url]
    location = meeting.place
    if with_online_link and meeting.online_url:
        description.append(meeting.online_url)
        location = "; ".join(part for part in (location, meeting.online_url) if part)
    event.add("description", "\n\n".join(part for part in description if part))
    if location:
        event.add("location", location)
    event.add("organizer", f"mailto:{organizer_address()}", parameters={"CN": str(meeting.group)})
    if attendee:
        event.add("attendee", f"mailto:{attendee}",
                  parameters={"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION",
                              "RSVP": "FALSE"})
    return event


def calendar(meetings: Iterable[Meeting], *, name: str, method: str | None = None,
             with_online_links: bool | set[int] = False, attendee: str | None = None) -> bytes:
    """A calendar of `meetings`; online links for all, none, or the meetings whose ids are given."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    if method:
        cal.add("method", method)
    first = last = None
    for meeting in meetings:
        first = min(first or meeting.starts_at, meeting.starts_at)
        last = max(last or meeting.ends_at, meeting.ends_at)
        links = (meeting.pk in with_online_links if isinstance(with_online_links, set)
                 else with_online_links)
        cal.add_component(meeting_event(meeting, with_online_link=links,
                                        attendee=attendee, cancel=method == "CANCEL"))
    if first is not None:
        # Time zone rules only for the span the meetings cover: the full history since 1970
        # (Samoa's abandoned daylight time, say) is what some parsers get wrong (dateutil reads
        # Pacific/Apia as UTC+14 in 2026 from it), and it is most of a feed's weight.
        margin = datetime.timedelta(days=31)
        cal.add_missing_timezones(first_date=(first - margin).date(),
                                  last_date=(last + margin).date())
    return cal.to_ical()
