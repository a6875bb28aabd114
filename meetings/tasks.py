"""Background work of meetings, run by `manage.py db_worker` (django.tasks + django-tasks-db)."""

import datetime

from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from meetings.models import Invitee, Meeting, ReminderSent


@task()
def send_notices(meeting_id: int, kind: str, reason: str = "") -> int:
    """Email every invitee who has not had this revision (SEQUENCE) of the meeting yet."""
    from meetings.notices import notice_message
    from meetings.operations import claim_notice, entitled_invitees

    meeting = Meeting.objects.select_related("group", "country").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    cancelled = meeting.status == Meeting.Status.CANCELLED
    if cancelled and kind != "cancelled":
        # Cancelled since this was queued: what invitees must hear now is the cancellation.
        kind = "cancelled"
        reason = meeting.transitions.filter(to_status=Meeting.Status.CANCELLED).values_list(
            "reason", flat=True).last() or ""
    sent = 0
    invitees = (entitled_invitees(meeting).select_related("person")
                .filter(notified_sequence__lt=meeting.sequence).exclude(person__email=""))
    for invitee in invitees:
        previous = invitee.notified_sequence
        if cancelled and previous < 0:
            continue  # never told of the meeting: nothing to take out of their calendar
        # Whoever has not had the meeting yet gets it whole, whatever changed since.
        now_kind = "convened" if previous < 0 else ("updated" if kind == "convened" else kind)
        message = notice_message(meeting, invitee, now_kind, reason=reason)
        # The claim and the message's row in one transaction: a notice is queued exactly when
        # it is marked sent, whenever the worker dies. The claim makes the same task queued
        # twice, or run by two workers at once, write each notice once.
        with transaction.atomic():
            if not claim_notice(invitee, meeting.sequence):
                continue
            message.send()
        sent += 1
    return sent


def due_reminder(meeting: Meeting, now: datetime.datetime) -> int | None:
    """The reminder that applies now: of the configured days whose moment has come, the nearest
    to the meeting. An earlier one that is late (the worker was down) is superseded by it, so
    nobody gets "in 14 days" the day before the meeting."""
    since = meeting.announced_at or datetime.datetime.min.replace(tzinfo=datetime.UTC)
    due = [days for days in meeting.reminder_day_list()
           if since < meeting.starts_at - datetime.timedelta(days=days) <= now]
    return min(due) if due else None


@task()
def send_reminder(meeting_id: int, days_before: int, for_start: str) -> int:
    """Remind the invitees, if the meeting is still convened for the start this was planned for.

    A meeting that moved had new reminders planned for its new start; this one then does nothing.
    Nor does one whose days were taken out of the meeting's reminders, or that a nearer reminder
    superseded while it waited.
    """
    from meetings.notices import notice_message
    from meetings.operations import entitled_invitees

    meeting = Meeting.objects.select_related("group", "country").filter(pk=meeting_id).first()
    start = datetime.datetime.fromisoformat(for_start)
    if (meeting is None or meeting.status != Meeting.Status.CONVENED
            or meeting.starts_at != start or meeting.archived_at is not None
            or meeting.starts_at <= timezone.now()
            or due_reminder(meeting, timezone.now()) != days_before):
        return 0
    invitees = (entitled_invitees(meeting).select_related("person").exclude(person__email="")
                .exclude(response=Invitee.Response.DECLINED))
    messages = [notice_message(meeting, invitee, "reminder", days=days_before)
                for invitee in invitees]
    try:
        # The mark and the messages in one transaction: all are queued, or none and not marked.
        with transaction.atomic():
            ReminderSent.objects.create(meeting=meeting, days_before=days_before, for_start=start)
            for message in messages:
                message.send()
    except IntegrityError:
        return 0  # already sent (by the sweep, or a task run twice)
    return len(messages)
