"""The emails a meeting sends: convening notices with an iCalendar invitation, updates,
cancellations and reminders, each in the invitee's language, from texts the secretariat edits."""

import re
import zoneinfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, translation

from meetings import ical
from meetings.models import Invitee, Meeting, NoticeTemplate
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
        "Reminder: {title} in {days} days",
        "A reminder of this meeting of {group}:\n\n{title}\n{start} – {end} ({zone})\n"
        "{your_time}{place}\n{online}\n\nYour answer: {rsvp_link}\n\nAgenda and documents: {link}"),
    ("reminder", "fr"): (
        "Rappel : {title} dans {days} jours",
        "Rappel de cette réunion du {group} :\n\n{title}\n{start} – {end} ({zone})\n"
        "{your_time}{place}\n{online}\n\nVotre réponse : {rsvp_link}\n\nOrdre du jour et "
        "documents : {link}"),
}
PLACEHOLDERS = ("title", "group", "start", "end", "zone", "your_time", "place", "online", "link",
                "rsvp_link", "reason", "days")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


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
