"""Named state changes of meetings: request, convene, change, postpone, cancel, hold; answers."""

import datetime
import functools
import hashlib
import json
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from meetings import tasks
from meetings.models import (
    AgendaItem,
    Attendance,
    Invitee,
    Meeting,
    MeetingDecision,
    MeetingDocument,
    MeetingTransition,
    Minutes,
    MinutesComment,
    MinutesRevision,
    MinutesTransition,
    NoticeTemplate,
)
from members.models import Membership, Person, Representative
from talanoa import events
from talanoa.lib.editing import EditConflict, save_versioned
from talanoa.lib.reasons import with_reason
from tasks import operations as task_operations
from tasks.models import Task

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


def _locked_step(step):
    """A lifecycle step on the meeting as it is now, locked until the step commits. The view
    loaded it earlier: an edit saved since would otherwise be written back over by the step's
    whole-row save, and two steps at once would both start from the same status. (A meeting
    not saved yet, convened as it is created, has nothing to lock.)"""

    @functools.wraps(step)
    @transaction.atomic
    def locked(meeting: Meeting, *args, **kwargs):
        if meeting.pk is not None:
            meeting.refresh_from_db(from_queryset=Meeting.objects.select_for_update())
        return step(meeting, *args, **kwargs)

    return locked


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


def entitled_invitees(meeting: Meeting):
    """The invitees who may still see the meeting, as the policy stands today: its level or group
    may have changed since they were invited, and their organisation's standing may have ended.
    Only they are sent its notices and reminders, and only their answer links still work."""
    representatives = Representative.objects.current().filter(group_id=meeting.group_id)
    editors = Q(role__in=Representative.EDITOR_ROLES)
    named = Q()
    if meeting.level == Meeting.Level.RESTRICTED:
        representatives = representatives.filter(
            editors | Q(organisation__in=meeting.restricted_organisations.all()))
        named = Q(person__in=meeting.restricted_people.all())
    else:
        # Anyone may read a public meeting's page, but its notices and online link are for
        # organisations that still stand in the group.
        standing = Membership.objects.active().filter(group_id=meeting.group_id)
        if meeting.level == Meeting.Level.CORE:
            standing = standing.filter(kind=Membership.Kind.MEMBER)
        representatives = representatives.filter(
            editors | Q(organisation_id__in=standing.values("organisation_id")))
    return meeting.invitees.filter(
        Q(person_id__in=representatives.values("person_id")) | named)


def claim_notice(invitee: Invitee, sequence: int) -> bool:
    """Take the sending of the meeting's revision `sequence` to one invitee: True for exactly
    one caller, however many workers try at once (a conditional UPDATE on what they read)."""
    return bool(Invitee.objects.filter(pk=invitee.pk, notified_sequence=invitee.notified_sequence)
                .update(notified_sequence=sequence))


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


def invite_people(meeting: Meeting, people, *, announce: bool = True) -> int:
    """Invite these people (once each), e.g. an external forum's delegates, and send them the
    invitation once the meeting is on the calendar (only those who may see it receive it)."""
    already = set(meeting.invitees.values_list("person_id", flat=True))
    new = {person.pk: Invitee(meeting=meeting, person_id=person.pk,
                              organisation_id=person.organisation_id)
           for person in people if person.pk not in already}
    Invitee.objects.bulk_create(new.values())
    if announce and new and meeting.status in (Status.CONVENED, Status.POSTPONED):
        _announce(meeting, "convened")
    return len(new)


@_locked_step
def convene_meeting(meeting: Meeting, by, reason: str = "", *, invitees=None) -> Meeting:
    """The chair convenes (R5): the meeting goes on the calendar and every representative of the
    group is invited by email, with an iCalendar invitation.

    An external forum is only put on the calendar: the group does not hold it, so nobody is
    invited but `invitees` (its delegates). `invitees` also replaces the group for any other
    meeting; an empty list invites nobody."""
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
    if invitees is not None:
        invite_people(meeting, invitees, announce=False)
    elif meeting.kind != Meeting.Kind.FORUM:
        invite_group(meeting)
    _announce(meeting, "convened")
    transaction.on_commit(lambda: plan_reminders(meeting))
    events.meeting_convened.send(sender=Meeting, meeting=meeting)  # webhooks to partners
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


@_locked_step
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


@_locked_step
def postpone_meeting(meeting: Meeting, by, reason: str) -> Meeting:
    _move(meeting, Status.POSTPONED, by, reason)
    meeting.announced_at = timezone.now()
    meeting.sequence += 1
    meeting.version += 1
    meeting.save()
    _announce(meeting, "updated", reason)
    return meeting


@_locked_step
def cancel_meeting(meeting: Meeting, by, reason: str) -> Meeting:
    _move(meeting, Status.CANCELLED, by, reason)
    meeting.sequence += 1
    meeting.version += 1
    meeting.save()
    _announce(meeting, "cancelled", reason)
    return meeting


@_locked_step
def mark_held(meeting: Meeting, by) -> Meeting:
    if meeting.starts_at > timezone.now():
        raise InvalidTransition("a meeting cannot be held before it starts")
    _move(meeting, Status.HELD, by)
    meeting.version += 1
    meeting.save()
    return meeting


# Answers are taken while the meeting is still to come: convened, or postponed to a new date.
ANSWERABLE = (Status.CONVENED, Status.POSTPONED)


class ClosedForAnswers(Exception):
    """The meeting no longer takes answers (held, cancelled, not convened yet)."""


def takes_answers(meeting: Meeting) -> bool:
    return meeting.status in ANSWERABLE


def respond(invitee: Invitee, response: str, apologies: str = "") -> Invitee:
    """An invitee's answer, from the meeting page, the signed link in their email or the API."""
    if not takes_answers(invitee.meeting):
        raise ClosedForAnswers(invitee.meeting.status)
    invitee.response = response
    invitee.apologies = apologies.strip()
    invitee.responded_at = timezone.now()
    invitee.save(update_fields=["response", "apologies", "responded_at"])
    return invitee


# The agenda ----------------------------------------------------------------------------------

class AgendaConflict(EditConflict):
    """The agenda was saved since this edit began: its items and their state as saved now."""

    def __init__(self, meeting: Meeting, agenda: list[AgendaItem], state: str):
        super().__init__(meeting)
        self.agenda, self.state = agenda, state


def agenda_state(items: Iterable[AgendaItem]) -> str:
    """A fingerprint of the agenda as an editor loaded it: every item, its place and its words.
    Not a counter on the meeting: its whole-row saves (its edit form, a restore from its history)
    would write back an older count, letting a stale page pass; any change to the items shows."""
    rows = sorted([item.pk, item.order, item.title_en, item.title_fr, item.presenter_id,
                   item.minutes_allocated, item.item_type_id, item.item_id] for item in items)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


@transaction.atomic
def save_agenda(meeting: Meeting, expected_state: str, write: Callable[[], object]) -> None:
    """Run `write` (the items' save) only if the agenda is still as the editor loaded it
    (`expected_state`); else AgendaConflict. The meeting's row is locked first, so two agenda
    saves at once check one after the other."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    agenda = list(locked.agenda.select_related("presenter"))
    state = agenda_state(agenda)
    if state != expected_state:
        raise AgendaConflict(locked, agenda, state)
    write()


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


def save_notice_text(kind: str, language: str, subject: str, body: str,
                     expected_version: int | None) -> NoticeTemplate:
    """The secretariat's text, saved only if nobody saved one since the editor loaded version
    `expected_version` (0 or None: the default text, before any row); else EditConflict."""
    row = NoticeTemplate.objects.filter(kind=kind, language=language).first()
    if row is None:
        try:
            with transaction.atomic():
                return NoticeTemplate.objects.create(kind=kind, language=language,
                                                     subject=subject, body=body)
        except IntegrityError:
            # Another editor's first text was written at the same moment (one row per kind and
            # language): theirs stays, and this one is shown against it.
            raise EditConflict(NoticeTemplate.objects.get(kind=kind, language=language)) from None
    row.subject, row.body = subject, body
    return save_versioned(row, expected_version)


def restore_default_notice(kind: str, language: str,
                           expected_version: int | None) -> NoticeTemplate | None:
    """Back to the text the portal ships with (notices.DEFAULT_NOTICES). Written as a change of
    the row, not a deletion, so the edited text stays in its history and can be restored.
    Refused (EditConflict) if the text was saved since the editor loaded `expected_version`:
    they would throw away a text they have not seen."""
    from meetings.notices import DEFAULT_NOTICES

    row = NoticeTemplate.objects.filter(kind=kind, language=language).first()
    if row is None:
        return None
    row.subject, row.body = DEFAULT_NOTICES[(kind, language)]
    return save_versioned(row, expected_version)


MinutesStatus = Minutes.Status


ActionStatus = Task.Status


MINUTES_ADOPTED = gettext_noop("Minutes adopted")


class MinutesLocked(InvalidTransition):
    """The minutes are adopted: their text, decisions and attendance no longer change."""

    def __init__(self, message: str = "the minutes are adopted; record a correction instead"):
        super().__init__(message)


class CommentsClosed(InvalidTransition):
    """Comments are taken only while the minutes are circulated, until their date."""


def _require_held(meeting: Meeting) -> None:
    if meeting.status not in (Status.HELD, Status.MINUTES_ADOPTED):
        raise InvalidTransition("minutes, decisions and attendance need a held meeting")


def _require_open_record(meeting: Meeting) -> None:
    """Decisions and attendance are written while the minutes are not adopted."""
    _require_held(meeting)
    if (meeting.status == Status.MINUTES_ADOPTED
            or Minutes.objects.filter(meeting=meeting, status=MinutesStatus.ADOPTED).exists()):
        raise MinutesLocked()


def _locked_minutes(minutes: Minutes) -> Minutes:
    """The minutes row, locked for this transaction: revision numbers are taken one at a time."""
    return Minutes.objects.select_for_update().get(pk=minutes.pk)


def _add_revision(minutes: Minutes, text: str, by, reason: str, *, is_correction: bool,
                  expected_revision: int | None) -> MinutesRevision:
    current = minutes.revisions.order_by("-number").first()
    number = current.number if current else 0
    if expected_revision is not None and expected_revision != number:
        raise EditConflict(current)
    return MinutesRevision.objects.create(minutes=minutes, number=number + 1, text=text,
                                          reason=reason.strip(), is_correction=is_correction,
                                          author=by)


@transaction.atomic
def write_minutes(minutes: Minutes, text: str, by, reason: str = "",
                  expected_revision: int | None = None) -> MinutesRevision:
    """A new revision of the minutes' text (the first creates the minutes, as a draft).

    Refused once adopted (MinutesLocked: use correct_minutes). With `expected_revision`, the
    revision the editor started from, a revision saved meanwhile raises EditConflict."""
    meeting = minutes.meeting
    _require_held(meeting)
    if minutes.pk is None:
        # Another editor may have written the first revision meanwhile: add to theirs.
        minutes, created = Minutes.objects.get_or_create(meeting=meeting)
        if created:
            MinutesTransition.objects.create(minutes=minutes, to_status=MinutesStatus.DRAFT,
                                             by=by)
    minutes = _locked_minutes(minutes)
    if minutes.is_locked:
        raise MinutesLocked()
    return _add_revision(minutes, text, by, reason, is_correction=False,
                         expected_revision=expected_revision)


@transaction.atomic
def circulate_minutes(minutes: Minutes, until: datetime.date, by, reason: str = "") -> Minutes:
    """Send the minutes to the members for comment until `until` (again: a new date)."""
    minutes = _locked_minutes(minutes)
    if minutes.is_locked:
        raise MinutesLocked()
    if not minutes.revisions.exists():
        raise InvalidTransition("there is no text to circulate")
    if until < timezone.localdate():
        raise InvalidTransition("the comment period cannot end in the past")
    MinutesTransition.objects.create(minutes=minutes, from_status=minutes.status,
                                     to_status=MinutesStatus.CIRCULATED, by=by,
                                     reason=reason.strip())
    minutes.status = MinutesStatus.CIRCULATED
    minutes.comments_until = until
    minutes.save(update_fields=["status", "comments_until"])
    return minutes


def comments_open(minutes: Minutes, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (minutes.status == MinutesStatus.CIRCULATED and minutes.comments_until is not None
            and today <= minutes.comments_until)


@transaction.atomic
def comment_on_minutes(minutes: Minutes, person: Person, text: str,
                       section: str = "") -> MinutesComment:
    """A member's comment on the circulated minutes, on the revision they read."""
    minutes = _locked_minutes(minutes)
    if not comments_open(minutes):
        raise CommentsClosed("comments are closed")
    current = minutes.revisions.order_by("-number").values_list("number", flat=True).first()
    return MinutesComment.objects.create(
        minutes=minutes, person=person, organisation_id=person.organisation_id,
        section=section.strip(), text=text.strip(), revision=current or 1)


@transaction.atomic
def adopt_minutes(minutes: Minutes, by, reason: str = "") -> Minutes:
    """The group adopts the circulated minutes: they are locked, and the meeting moves from held
    to minutes adopted."""
    minutes = _locked_minutes(minutes)
    if minutes.status != MinutesStatus.CIRCULATED:
        raise InvalidTransition(f"{minutes.status} → {MinutesStatus.ADOPTED}")
    meeting = Meeting.objects.select_for_update().get(pk=minutes.meeting_id)
    _move(meeting, Status.MINUTES_ADOPTED, by, reason)
    meeting.version += 1
    with_reason(meeting, MINUTES_ADOPTED).save()
    MinutesTransition.objects.create(minutes=minutes, from_status=minutes.status,
                                     to_status=MinutesStatus.ADOPTED, by=by, reason=reason)
    minutes.status = MinutesStatus.ADOPTED
    minutes.adopted_at = timezone.now()
    minutes.save(update_fields=["status", "adopted_at"])
    return minutes


@transaction.atomic
def correct_minutes(minutes: Minutes, text: str, reason: str, by,
                    expected_revision: int | None = None) -> MinutesRevision:
    """A correction to adopted minutes: a new revision with its reason; the adopted one stays."""
    if not reason.strip():
        raise ValueError("a correction needs its reason")
    if minutes.pk is None:
        raise InvalidTransition("there are no minutes to correct")
    minutes = _locked_minutes(minutes)
    if not minutes.is_locked:
        raise InvalidTransition("only adopted minutes are corrected; edit the draft instead")
    return _add_revision(minutes, text, by, reason, is_correction=True,
                         expected_revision=expected_revision)


@transaction.atomic
def record_decision(meeting: Meeting, text_en: str, text_fr: str = "") -> MeetingDecision:
    """A decision taken at the meeting, numbered after the last one."""
    if not (text_en.strip() or text_fr.strip()):
        raise ValueError("a decision needs its text in English or French")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open_record(meeting)
    last = meeting.decisions.aggregate(last=Max("number"))["last"] or 0
    return MeetingDecision.objects.create(meeting=meeting, number=last + 1,
                                          text_en=text_en.strip(), text_fr=text_fr.strip())


@transaction.atomic
def record_attendance(meeting: Meeting,
                      rows: list[tuple[Person | int, int | None, str]]) -> int:
    """Attendance as held: (person, organisation id, presence) for everyone who was there.

    Replaces what was recorded: a person no longer in `rows` is removed (history keeps them).
    Returns the number of people recorded."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open_record(meeting)
    wanted: dict[int, tuple[int | None, str]] = {}
    for person, organisation_id, presence in rows:
        person_id = person if isinstance(person, int) else person.pk
        if presence not in Attendance.Presence.values:
            raise ValueError(f"unknown presence {presence!r}")
        wanted[person_id] = (organisation_id, presence)
    existing = {row.person_id: row for row in meeting.attendance.all()}
    for person_id, row in existing.items():
        if person_id not in wanted:
            row.delete()
        elif (row.organisation_id, row.presence) != wanted[person_id]:
            row.organisation_id, row.presence = wanted[person_id]
            row.save(update_fields=["organisation", "presence"])
    for person_id, (organisation_id, presence) in wanted.items():
        if person_id not in existing:
            Attendance.objects.create(meeting=meeting, person_id=person_id,
                                      organisation_id=organisation_id, presence=presence)
    return len(wanted)


@transaction.atomic
def add_action(meeting: Meeting, title: str, owner_organisation, by, *, owner_person=None,
               due_on: datetime.date | None = None, description: str = "") -> Task:
    """An action agreed at a held meeting: a task about the meeting (tasks.operations)."""
    _require_held(meeting)
    return task_operations.create_task(title, owner_organisation, by, about=meeting,
                                       owner_person=owner_person, due_on=due_on,
                                       description=description)


def set_action_status(action: Task, status: str, by, reason: str = "") -> Task:
    """Move an action to a new status: tasks.operations.set_task_status."""
    try:
        return task_operations.set_task_status(action, status, by, reason)
    except task_operations.TaskRefused as exc:
        raise InvalidTransition(str(exc)) from exc
