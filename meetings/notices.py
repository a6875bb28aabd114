"""The emails a meeting sends: convening notices with an iCalendar invitation, updates,
cancellations and reminders, each in the invitee's language, from texts the secretariat edits."""

import re
import zoneinfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext_lazy

from meetings import ical
from meetings.models import Invitee, Meeting, NoticeTemplate
from members.models import Person, WorkingGroup
from talanoa.lib.bilingual import localized

RSVP_SALT = "meetings.rsvp"

# The texts a new installation starts with; the secretariat's edits (NoticeTemplate rows) win.
DEFAULT_NOTICES: dict[tuple[str, str], tuple[str, str]] = {
    ("convened", "en"): (
        "Meeting convened: {title}",
        "The Chair of {group} convenes this meeting:\n\n{title}\n{start} – {end} ({zone})\n"
        "{your_time}{place}\n{online}\n\nPlease tell us whether you will attend:\n{rsvp_link}\n\n"
        "Agenda and documents: {link}\n\nThe attached invitation adds it to your calendar."),
    ("convened", "fr"): (
        "Convocation : {title}",
        "Le président du {group} convoque la réunion suivante :\n\n{title}\n{start} – {end} "
        "({zone})\n{your_time}{place}\n{online}\n\nMerci d’indiquer si vous y participerez :\n"
        "{rsvp_link}\n\nOrdre du jour et documents : {link}\n\nL’invitation jointe l’ajoute à "
        "votre agenda."),
    ("updated", "en"): (
        "Meeting changed: {title}",
        "This meeting of {group} has changed. It is now:\n\n{title}\n{start} – {end} ({zone})\n"
        "{your_time}{place}\n{online}\n{reason}\n\nYour answer: {rsvp_link}\n\nDetails: {link}\n\n"
        "The attached invitation updates your calendar."),
    ("updated", "fr"): (
        "Réunion modifiée : {title}",
        "Cette réunion du {group} a été modifiée. Elle se tiendra désormais :\n\n{title}\n"
        "{start} – {end} ({zone})\n{your_time}{place}\n{online}\n{reason}\n\nVotre réponse : "
        "{rsvp_link}\n\nDétails : {link}\n\nL’invitation jointe met à jour votre agenda."),
    ("cancelled", "en"): (
        "Meeting cancelled: {title}",
        "This meeting of {group} is cancelled:\n\n{title}\n{start} ({zone})\n\n{reason}\n\n"
        "The attachment removes it from your calendar."),
    ("cancelled", "fr"): (
        "Réunion annulée : {title}",
        "Cette réunion du {group} est annulée :\n\n{title}\n{start} ({zone})\n\n{reason}\n\n"
        "La pièce jointe la retire de votre agenda."),
    ("reminder", "en"): (
        "Reminder: {title}, {in_days}",
        "A reminder of this meeting of {group}:\n\n{title}\n{start} – {end} ({zone})\n"
        "{your_time}{place}\n{online}\n\nYour answer: {rsvp_link}\n\nAgenda and documents: {link}"),
    ("reminder", "fr"): (
        "Rappel : {title}, {in_days}",
        "Rappel de cette réunion du {group} :\n\n{title}\n{start} – {end} ({zone})\n"
        "{your_time}{place}\n{online}\n\nVotre réponse : {rsvp_link}\n\nOrdre du jour et "
        "documents : {link}"),
}
PLACEHOLDERS = ("title", "group", "start", "end", "zone", "your_time", "place", "online", "link",
                "rsvp_link", "reason", "days", "in_days")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# What each placeholder becomes, for the page where the secretariat edits the texts.
PLACEHOLDER_HELP = {
    "title": gettext_lazy("the meeting's title, in the invitee's language"),
    "group": gettext_lazy("the group or taskforce"),
    "start": gettext_lazy("the start, local time at the meeting"),
    "end": gettext_lazy("the end, local time at the meeting"),
    "zone": gettext_lazy("the meeting's time zone"),
    "your_time": gettext_lazy("a line with the start in the invitee's own zone, when it differs"),
    "place": gettext_lazy("venue, city and country"),
    "online": gettext_lazy("a line with the online link, if any"),
    "link": gettext_lazy("the address of the meeting's page"),
    "rsvp_link": gettext_lazy("the invitee's own link to answer, without logging in"),
    "reason": gettext_lazy("the reason given for a change or a cancellation"),
    "days": gettext_lazy("days before the meeting (reminders)"),
    "in_days": gettext_lazy("“in 14 days”, “in 1 day” (reminders)"),
}


def notice_text(kind: str, language: str) -> tuple[str, str]:
    """(subject, body) of a kind of notice in a language: the secretariat's text or the default."""
    row = NoticeTemplate.objects.filter(kind=kind, language=language).first()
    if row is not None:
        return row.subject, row.body
    return DEFAULT_NOTICES[(kind, language)]


def fill(text: str, values: dict[str, str]) -> str:
    """Put values in the {placeholders}; unknown braces stay as the secretariat typed them.
    Lines left empty by empty values close up (at most one blank line in a row)."""
    filled = _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), text)
    return re.sub(r"\n{3,}", "\n\n", filled)


def rsvp_token(invitee: Invitee) -> str:
    return signing.dumps(invitee.pk, salt=RSVP_SALT, compress=True)


def invitee_from_token(token: str) -> Invitee | None:
    try:
        pk = signing.loads(token, salt=RSVP_SALT)
    except signing.BadSignature:
        return None
    return (Invitee.objects.select_related("meeting", "meeting__group", "person", "organisation")
            .filter(pk=pk).first())


def rsvp_url(invitee: Invitee) -> str:
    return settings.SITE_URL + reverse("meetings:rsvp", args=[rsvp_token(invitee)])


def _when(moment, zone: str) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{formats.date_format(local, 'l j F Y')}, {local:%H:%M}"


def _end(meeting: Meeting) -> str:
    """The end, as a time alone when the meeting ends the day it starts."""
    if meeting.local_end.date() == meeting.local_start.date():
        return f"{meeting.local_end:%H:%M}"
    return _when(meeting.ends_at, meeting.time_zone)


def _values(meeting: Meeting, invitee: Invitee, reason: str, days: int | None) -> dict[str, str]:
    person_zone = invitee.person.time_zone or meeting.time_zone
    your_time = ""
    if person_zone != meeting.time_zone:
        your_time = translation.gettext("Your time (%(zone)s): %(start)s") % {
            "zone": person_zone, "start": _when(meeting.starts_at, person_zone)} + "\n"
    online = ""
    if meeting.online_url:
        online = translation.gettext("Online: %(url)s") % {"url": meeting.online_url}
    return {
        "title": str(localized(meeting, "title")),
        "group": str(meeting.group),
        "start": _when(meeting.starts_at, meeting.time_zone),
        "end": _end(meeting),
        "zone": meeting.time_zone,
        "your_time": your_time,
        "place": meeting.place,
        "online": online,
        "link": settings.SITE_URL + meeting.get_absolute_url(),
        "rsvp_link": rsvp_url(invitee),
        "reason": reason,
        "days": str(days if days is not None else ""),
        "in_days": translation.ngettext("in %(days)s day", "in %(days)s days", days or 0) % {
            "days": days} if days is not None else "",
    }


def notice_message(meeting: Meeting, invitee: Invitee, kind: str, reason: str = "",
                   days: int | None = None) -> EmailMessage:
    """One invitee's email, in their language, with the calendar attachment the kind needs."""
    language = invitee.person.language if invitee.person.language in ("en", "fr") else "en"
    with translation.override(language):
        subject, body = notice_text(kind, language)
        values = _values(meeting, invitee, reason, days)
        message = EmailMessage(fill(subject, values).replace("\n", " ")[:200],
                               fill(body, values), to=[invitee.person.email])
        if kind != NoticeTemplate.Kind.REMINDER:
            method = "CANCEL" if kind == NoticeTemplate.Kind.CANCELLED else "REQUEST"
            content = ical.calendar([meeting], name=str(meeting.group), method=method,
                                    with_online_links=True, attendee=invitee.person.email)
            message.attach("invite.ics", content.decode(),
                           f"text/calendar; method={method}; charset=UTF-8")
    return message


def placeholders_in(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def sample_meeting(language: str) -> tuple[Meeting, Invitee]:
    """A made-up meeting and invitee to preview a text on: nothing real is shown or saved."""
    import datetime

    from django.utils import timezone


    group = (WorkingGroup.objects.filter(slug=settings.DEFAULT_GROUP_SLUG).first()
             or WorkingGroup(name_en="CROP ICT Working Group",
                             name_fr="Groupe de travail TIC du CROP"))
    day = timezone.localdate() + datetime.timedelta(days=30)
    start = datetime.datetime.combine(day, datetime.time(9), zoneinfo.ZoneInfo("Pacific/Apia"))
    meeting = Meeting(pk=0, group=group, time_zone="Pacific/Apia", starts_at=start,
                      ends_at=start + datetime.timedelta(hours=7), venue="Tanoa Tusitala Hotel",
                      city="Apia", mode=Meeting.Mode.HYBRID,
                      online_url="https://meet.example.org/sample",
                      title_en="Sample: annual meeting of the working group",
                      title_fr="Exemple : réunion annuelle du groupe de travail")
    person = Person(name="Sample Invitee", language=language, time_zone="Pacific/Fiji")
    return meeting, Invitee(pk=0, meeting=meeting, person=person)


def preview(subject: str, body: str, language: str, days: int = 14) -> tuple[str, str]:
    """A text as an invitee would read it, filled in for the sample meeting."""
    meeting, invitee = sample_meeting(language)
    with translation.override(language):
        values = _values(meeting, invitee, reason=translation.gettext(
            "(Here: the reason given for the change.)"), days=days)
        # Sample addresses, never a working answer link.
        values["link"] = settings.SITE_URL + "/meetings/…/"
        values["rsvp_link"] = settings.SITE_URL + "/meetings/answer/…/"
    return fill(subject, values).replace("\n", " "), fill(body, values)
