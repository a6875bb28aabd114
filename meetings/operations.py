"""Named state changes of meetings: request, convene, change, postpone, cancel, hold; answers."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from meetings import tasks
from meetings.models import Invitee, Meeting, MeetingDocument, MeetingTransition, NoticeTemplate
from members.models import Membership, Person, Representative
from talanoa.lib.editing import save_versioned
from talanoa.lib.reasons import with_reason

Status = Meeting.Status

# Which status may follow which; anything else is refused (InvalidTransition).
ALLOWED: dict[str, tuple[str, ...]] = {
    Status.REQUESTED: (Status.CONVENED, Status.DECLINED),
    Status.CONVENED: (Status.HELD, Status.POSTPONED, Status.CANCELLED),
    Status.POSTPONED: (Status.CONVENED, Status.CANCELLED),
    Status.HELD: (Status.MINUTES_ADOPTED,),
    Status.MINUTES_ADOPTED: (),
    Status.CANCELLED: (),
    Status.DECLINED: (),
}
# Changes to these fields make invitees' calendars stale: a new SEQUENCE and an update notice.
NOTICE_FIELDS = ("starts_at", "ends_at", "time_zone", "venue", "city", "country_id", "online_url",
                 "mode", "title_en", "title_fr")

REQUESTED = gettext_noop("Requested")
CONVENED = gettext_noop("Convened")
CHANGED = gettext_noop("Changed: invitees notified")


class InvalidTransition(Exception):
    pass


def _move(meeting: Meeting, to: str, by, reason: str = "") -> None:
    if to not in ALLOWED[meeting.status]:
        raise InvalidTransition(f"{meeting.status} → {to}")
    MeetingTransition.objects.create(meeting=meeting, from_status=meeting.status, to_status=to,
                                     reason=reason, by=by)
    meeting.status = to


def invite_group(meeting: Meeting) -> int:
    """Invite every current representative of the meeting's group who may see it (once each):
    everyone for public and members-level meetings, member organisations for core ones, and
    only the named organisations and people for restricted ones."""
    already = set(meeting.invitees.values_list("person_id", flat=True))
    representatives = (Representative.objects.current().filter(group_id=meeting.group_id)
                       .exclude(person_id__in=already).order_by("person_id", "role"))
    if meeting.level == Meeting.Level.CORE:
        members = (Membership.objects.active().filter(group_id=meeting.group_id,
                                                      kind=Membership.Kind.MEMBER)
                   .values("organisation_id"))
        representatives = representatives.filter(
            Q(organisation_id__in=members) | Q(role__in=Representative.EDITOR_ROLES))
    elif meeting.level == Meeting.Level.RESTRICTED:
        representatives = representatives.filter(
            Q(person__in=meeting.restricted_people.all())
            | Q(organisation__in=meeting.restricted_organisations.all()))
    new = {}
    for representative in representatives:
        new.setdefault(representative.person_id, Invitee(
            meeting=meeting, person_id=representative.person_id,
            organisation_id=representative.organisation_id))
    Invitee.objects.bulk_create(new.values())
    return len(new)


def plan_reminders(meeting: Meeting) -> int:
    """Queue a reminder for each configured day before the start; each checks, when it runs,
    that it still applies (`tasks.due_reminder`)."""
    now = timezone.now()
    planned = 0
    for days in meeting.reminder_day_list():
        when = meeting.starts_at - datetime.timedelta(days=days)
        if meeting.starts_at <= now or (meeting.announced_at and when <= meeting.announced_at):
            continue  # its moment came before the notice: the notice itself reminds
        tasks.send_reminder.using(run_after=max(when, now)).enqueue(
            meeting.pk, days, meeting.starts_at.isoformat())
        planned += 1
    return planned


def _announce(meeting: Meeting, kind: str, reason: str = "") -> None:
    transaction.on_commit(lambda: tasks.send_notices.enqueue(meeting.pk, kind, reason))


@transaction.atomic
def convene_meeting(meeting: Meeting, by, reason: str = "") -> Meeting:
    """The chair convenes (R5): the meeting goes on the calendar and every representative of the
    group is invited by email, with an iCalendar invitation."""
    meeting.announced_at = timezone.now()
    if meeting.pk is None:
        meeting.status = Status.CONVENED
        meeting.created_by = by
        meeting.save()
        MeetingTransition.objects.create(meeting=meeting, to_status=Status.CONVENED, by=by,
                                         reason=reason)
    else:
        _move(meeting, Status.CONVENED, by, reason)
        if meeting.requested_level:
            meeting.level = meeting.requested_level
        meeting.sequence += 1
        meeting.version += 1
        with_reason(meeting, CONVENED).save()
    invite_group(meeting)
    _announce(meeting, "convened")
    transaction.on_commit(lambda: plan_reminders(meeting))
    return meeting


@transaction.atomic
def request_meeting(meeting: Meeting, person: Person, by, reason: str = "") -> Meeting:
    """A representative asks the chair for a meeting (e.g. an ICT Ministers' Meeting, S15).

    Until the chair decides, only the requester and the group's editors see it: it is restricted
    to the requester, and takes the level asked for once convened."""
    meeting.requested_level = meeting.requested_level or meeting.level
    meeting.level = Meeting.Level.RESTRICTED
    meeting.status = Status.REQUESTED
    meeting.requested_by = person
    meeting.created_by = by
    with_reason(meeting, REQUESTED).save()
    meeting.restricted_people.add(person)
    MeetingTransition.objects.create(meeting=meeting, to_status=Status.REQUESTED, by=by,
                                     reason=reason)
    return meeting


@transaction.atomic
def decline_request(meeting: Meeting, by, reason: str) -> Meeting:
    _move(meeting, Status.DECLINED, by, reason)
    meeting.version += 1
    meeting.save()
    return meeting


@transaction.atomic
def save_meeting_changes(meeting: Meeting, expected_version: int | None, by,
                         reason: str = "") -> Meeting:
    """Save an edit; if invitees' calendars are now stale, raise SEQUENCE and notify them."""
    before = Meeting.objects.get(pk=meeting.pk)
    changed = [name for name in NOTICE_FIELDS if getattr(before, name) != getattr(meeting, name)]
    notify = bool(changed) and meeting.status in (Status.CONVENED, Status.POSTPONED)
    if notify:
        meeting.sequence = before.sequence + 1
        meeting.announced_at = timezone.now()
        with_reason(meeting, CHANGED)
    save_versioned(meeting, expected_version)
    if notify:
        _announce(meeting, "updated", reason)
        if {"starts_at"} & set(changed) and meeting.status == Status.CONVENED:
            transaction.on_commit(lambda: plan_reminders(meeting))
    return meeting


@transaction.atomic
def postpone_meeting(meeting: Meeting, by, reason: str) -> Meeting:
    _move(meeting, Status.POSTPONED, by, reason)
    meeting.announced_at = timezone.now()
    meeting.sequence += 1
    meeting.version += 1
    meeting.save()
    _announce(meeting, "updated", reason)
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, by, reason: str) -> Meeting:
    _move(meeting, Status.CANCELLED, by, reason)
    meeting.sequence += 1
    meeting.version += 1
    meeting.save()
    _announce(meeting, "cancelled", reason)
    return meeting


@transaction.atomic
def mark_held(meeting: Meeting, by) -> Meeting:
    if meeting.starts_at > timezone.now():
        raise InvalidTransition("a meeting cannot be held before it starts")
    _move(meeting, Status.HELD, by)
    meeting.version += 1
    meeting.save()
    return meeting


def respond(invitee: Invitee, response: str, apologies: str = "") -> Invitee:
    """An invitee's answer, from the meeting page or the signed link in their email."""
    invitee.response = response
    invitee.apologies = apologies.strip()
    invitee.responded_at = timezone.now()
    invitee.save(update_fields=["response", "apologies", "responded_at"])
    return invitee


# Documents and notice texts ----------------------------------------------------------------

def add_document(meeting: Meeting, title: str, upload, by) -> MeetingDocument:
    """Attach a file (already checked by the form) to a meeting; its size is kept for the page."""
    return MeetingDocument.objects.create(meeting=meeting, title=title.strip(), file=upload,
                                          size=upload.size, uploaded_by=by)


def archive_document(document: MeetingDocument) -> MeetingDocument:
    """Out of the list and the pack; never deleted, and restored from the meeting's page."""
    document.archived_at = timezone.now()
    document.version += 1
    document.save(update_fields=["archived_at", "version", "updated_at"])
    return document


def restore_document(document: MeetingDocument) -> MeetingDocument:
    document.archived_at = None
    document.version += 1
    document.save(update_fields=["archived_at", "version", "updated_at"])
    return document


def save_notice_text(kind: str, language: str, subject: str, body: str) -> NoticeTemplate:
    row, _ = NoticeTemplate.objects.update_or_create(
        kind=kind, language=language, defaults={"subject": subject, "body": body})
    return row


def restore_default_notice(kind: str, language: str) -> NoticeTemplate | None:
    """Back to the text the portal ships with (notices.DEFAULT_NOTICES). Written as a change of
    the row, not a deletion, so the edited text stays in its history and can be restored."""
    from meetings.notices import DEFAULT_NOTICES

    row = NoticeTemplate.objects.filter(kind=kind, language=language).first()
    if row is None:
        return None
    row.subject, row.body = DEFAULT_NOTICES[(kind, language)]
    row.save()
    return row
