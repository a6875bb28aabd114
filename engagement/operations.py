"""Named state changes of the work programme; views validate, then call these."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from meetings.models import Meeting
from meetings.operations import convene_meeting, invite_people
from members.models import Organisation
from talanoa.lib.editing import save_versioned
from talanoa.lib.reasons import with_reason

# (slug, acronym, English name, French name, kind, website, organisation slug or "")
EXTERNAL_BODIES = [
    ("itu", "ITU", "International Telecommunication Union",
     "Union internationale des télécommunications", "un_agency", "https://www.itu.int/", "itu"),
    ("apt", "APT", "Asia-Pacific Telecommunity", "Télécommunauté Asie-Pacifique", "regional",
     "https://www.apt.int/", ""),
    ("icann", "ICANN", "Internet Corporation for Assigned Names and Numbers",
     "Société pour l'attribution des noms de domaine et des numéros sur Internet",
     "internet_governance", "https://www.icann.org/", ""),
    ("ietf", "IETF", "Internet Engineering Task Force", "Groupe de travail de génie Internet",
     "standards", "https://www.ietf.org/", ""),
    ("w3c", "W3C", "World Wide Web Consortium", "Consortium World Wide Web", "standards",
     "https://www.w3.org/", ""),
    ("igf", "IGF", "Internet Governance Forum", "Forum sur la gouvernance de l'Internet",
     "internet_governance", "https://www.intgovforum.org/", ""),
    ("apnic", "APNIC", "Asia Pacific Network Information Centre",
     "Centre d'information sur les réseaux Asie-Pacifique", "internet_governance",
     "https://www.apnic.net/", ""),
    ("pita", "PITA", "Pacific Islands Telecommunications Association",
     "Association des télécommunications des îles du Pacifique", "industry",
     "https://www.pita.org.fj/", "pita"),
    ("aprigf", "APrIGF", "Asia Pacific Regional Internet Governance Forum",
     "Forum régional Asie-Pacifique sur la gouvernance de l'Internet", "internet_governance",
     "https://aprigf.asia/", ""),
    ("pacnog", "PacNOG", "Pacific Network Operators Group",
     "Groupe des opérateurs de réseaux du Pacifique", "industry", "https://www.pacnog.org/", ""),
]

BODY_ARCHIVED = gettext_noop("Archived")
BODY_RESTORED = gettext_noop("Restored from the archive")
FORUM_ON_CALENDAR = gettext_noop("External forum: on the calendar, its delegates invited")
LEVEL_FOLLOWS = gettext_noop("Level follows its forum participation")


def ensure_external_bodies() -> int:
    """Add the shipped external bodies that are missing (never changes what the secretariat
    edited); link ITU and PITA to their organisations when those exist. Returns how many were
    added."""
    from engagement.models import ExternalBody

    organisations = {o.slug: o for o in Organisation.objects.filter(
        slug__in=[row[6] for row in EXTERNAL_BODIES if row[6]])}
    added = 0
    for order, (slug, acronym, name_en, name_fr, kind, website, org) in enumerate(
            EXTERNAL_BODIES):
        _body, created = ExternalBody.objects.get_or_create(slug=slug, defaults={
            "acronym": acronym, "name_en": name_en, "name_fr": name_fr, "kind": kind,
            "website": website, "order": order, "organisation": organisations.get(org)})
        added += created
    return added


def _archive(record, archived: bool) -> None:
    """Archive (or restore) a record: out of the lists, never deleted."""
    record.archived_at = timezone.now() if archived else None
    record.version += 1
    with_reason(record, BODY_ARCHIVED if archived else BODY_RESTORED).save()


@transaction.atomic
def save_external_body(body, expected_version: int | None):
    save_versioned(body, expected_version)
    return body


@transaction.atomic
def archive_external_body(body, archived: bool = True):
    _archive(body, archived)
    return body


@transaction.atomic
def save_process(process, expected_version: int | None, save_m2m=None):
    """Save a process (a new one, or an edit refused with a conflict if someone saved in
    between), and its ICT areas with `save_m2m`."""
    save_versioned(process, expected_version)
    if save_m2m is not None:
        save_m2m()
    return process


@transaction.atomic
def archive_process(process, archived: bool = True):
    _archive(process, archived)
    return process


@transaction.atomic
def create_position(position, by, save_m2m=None):
    """Record a position of the group in a process (its level, and the named organisations and
    people of a restricted one, with `save_m2m`)."""
    position.created_by = by
    with_reason(position, gettext_noop("Recorded")).save()
    if save_m2m is not None:
        save_m2m()
    return position


@transaction.atomic
def save_position(position, expected_version: int | None, save_m2m=None):
    save_versioned(position, expected_version)
    if save_m2m is not None:
        save_m2m()
    return position


@transaction.atomic
def archive_position(position, archived: bool = True):
    _archive(position, archived)
    return position


def _sync_forum_meeting(participation) -> None:
    """The calendar entry has the participation's group, level and named organisations and
    people, so whoever sees one sees the other; delegates not yet invited are invited."""

    meeting = participation.meeting
    orgs = set(participation.restricted_organisations.values_list("pk", flat=True))
    people = set(participation.restricted_people.values_list("pk", flat=True))
    if (meeting.level, meeting.group_id) != (participation.level, participation.group_id) or (
            orgs != set(meeting.restricted_organisations.values_list("pk", flat=True))
            or people != set(meeting.restricted_people.values_list("pk", flat=True))):
        meeting.level, meeting.group_id = participation.level, participation.group_id
        meeting.version += 1
        with_reason(meeting, LEVEL_FOLLOWS).save()
        meeting.restricted_organisations.set(orgs)
        meeting.restricted_people.set(people)
    invite_people(meeting, participation.delegates.all())


@transaction.atomic
def create_forum_participation(participation, meeting, by, save_m2m=None):
    """The group takes part in an external forum: the event goes on the calendar as a meeting
    of kind "External forum", convened by meetings.operations (its lifecycle, calendar
    identifier and reminders) with only the delegates invited, never the whole group."""

    meeting.kind = Meeting.Kind.FORUM
    meeting.group_id = participation.group_id
    meeting.level = participation.level
    convene_meeting(meeting, by, FORUM_ON_CALENDAR, invitees=[])
    participation.meeting = meeting
    participation.created_by = by
    with_reason(participation, gettext_noop("Recorded")).save()
    if save_m2m is not None:
        save_m2m()
    _sync_forum_meeting(participation)
    return participation


@transaction.atomic
def save_forum_participation(participation, expected_version: int | None, save_m2m=None):
    """An edit (refused with a conflict if someone saved in between); the calendar entry
    follows its level, and new delegates are invited."""
    save_versioned(participation, expected_version)
    if save_m2m is not None:
        save_m2m()
    _sync_forum_meeting(participation)
    return participation


@transaction.atomic
def archive_forum_participation(participation, archived: bool = True):
    """The participation only: its event stays on the calendar (cancel it there if it is off)."""
    _archive(participation, archived)
    return participation
