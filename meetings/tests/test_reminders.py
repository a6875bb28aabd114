"""Reminders (issue 3, point 8) through the real queue: django.tasks with django-tasks-db, run by
`db_worker --batch` as production runs `db_worker`; and the `send_due_reminders` safety net."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings import operations, tasks
from meetings.models import Invitee, ReminderSent

pytestmark = pytest.mark.django_db
HOURS = datetime.timedelta(hours=1)
DAYS = datetime.timedelta(days=1)


@pytest.fixture
def clock(monkeypatch):
    """Time as the reminders see it, moved forward by a test ("a week passes"): the tasks and the
    sweep read this clock, and queued tasks whose moment it reaches become due for the worker."""
    from types import SimpleNamespace

    from meetings.management.commands import send_due_reminders

    real_now = timezone.now

    class Clock:
        offset = datetime.timedelta(0)

        def now(self) -> datetime.datetime:
            return real_now() + self.offset

        def advance(self, delta: datetime.timedelta) -> None:
            self.offset += delta
            DBTaskResult.objects.filter(run_after__lte=self.now()).update(
                run_after=real_now() - datetime.timedelta(seconds=1))

    moving = Clock()
    shim = SimpleNamespace(now=moving.now)
    monkeypatch.setattr(tasks, "timezone", shim)
    monkeypatch.setattr(send_due_reminders, "timezone", shim)
    return moving


def reminders(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith(("Reminder", "Rappel"))]


def invited(meeting) -> set[str]:
    return set(meeting.invitees.exclude(person__email="").values_list("person__email", flat=True))


def test_convening_emails_everyone_and_the_reminder_follows_at_its_time(
        convene, run_worker, mailoutbox, clock):
    meeting = convene(starts_in=3 * DAYS, reminder_days="1")
    assert mailoutbox == []  # nothing is sent in the request: the worker sends
    run_worker()
    everyone = invited(meeting)
    assert len(everyone) > 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(everyone)
    assert all(m.attachments[0][0] == "invite.ics" for m in mailoutbox)
    assert reminders(mailoutbox) == []
    clock.advance(2 * DAYS + HOURS)  # the day before
    run_worker()
    sent = reminders(mailoutbox)
    assert sorted(m.to[0] for m in sent) == sorted(everyone)
    assert all(m.subject.endswith(("Reminder test meeting, in 1 day",
                                   "Reminder test meeting, dans 1 jour")) for m in sent)
    assert ReminderSent.objects.filter(meeting=meeting, days_before=1,
                                       for_start=meeting.starts_at).count() == 1


def test_a_reminder_due_before_the_notice_is_not_sent(convene, run_worker, mailoutbox, clock):
    # Convened twelve hours ahead: the notice itself is the reminder.
    meeting = convene(starts_in=12 * HOURS, reminder_days="14,1")
    run_worker()
    clock.advance(HOURS)
    run_worker()
    call_command("send_due_reminders", verbosity=0)
    assert reminders(mailoutbox) == [] and len(mailoutbox) == len(invited(meeting))


def test_a_reminder_in_the_future_waits_for_its_time(convene, run_worker, mailoutbox):
    meeting = convene(starts_in=10 * DAYS, reminder_days="1")
    run_worker()
    assert reminders(mailoutbox) == [] and len(mailoutbox) == len(invited(meeting))
    task = DBTaskResult.objects.get(task_path="meetings.tasks.send_reminder")
    assert task.run_after == meeting.starts_at - DAYS


def test_no_reminder_goes_to_those_who_declined(convene, run_worker, mailoutbox, clock):
    meeting = convene(starts_in=3 * DAYS, reminder_days="1")
    declined = meeting.invitees.exclude(person__email="").first()
    operations.respond(declined, Invitee.Response.DECLINED)
    clock.advance(2 * DAYS + HOURS)
    run_worker()
    sent = [m.to[0] for m in reminders(mailoutbox)]
    assert sent and declined.person.email not in sent


def test_a_moved_meeting_is_reminded_for_its_new_start_only(convene, run_worker, mailoutbox,
                                                            clock,
                                                            django_capture_on_commit_callbacks):
    meeting = convene(starts_in=3 * DAYS, reminder_days="1")
    run_worker()
    meeting.starts_at += DAYS
    meeting.ends_at += DAYS
    with django_capture_on_commit_callbacks(execute=True):
        operations.save_meeting_changes(meeting, meeting.version, None, "A day later")
    run_worker()  # the update notices
    clock.advance(3 * DAYS + HOURS)  # past both reminder moments, old and new
    run_worker()
    # Two reminders were queued (old start, new start): only the new one sends.
    assert DBTaskResult.objects.filter(task_path="meetings.tasks.send_reminder").count() == 2
    assert len(reminders(mailoutbox)) == len(invited(meeting))
    assert list(ReminderSent.objects.filter(meeting=meeting).values_list("for_start", flat=True)
                ) == [meeting.starts_at]


def test_a_meeting_moved_further_away_is_not_reminded_now(convene, run_worker, mailoutbox,
                                                          clock,
                                                          django_capture_on_commit_callbacks):
    meeting = convene(starts_in=3 * DAYS, reminder_days="1")
    meeting.starts_at += 20 * DAYS
    meeting.ends_at += 20 * DAYS
    with django_capture_on_commit_callbacks(execute=True):
        operations.save_meeting_changes(meeting, meeting.version, None, "Next month")
    clock.advance(2 * DAYS + HOURS)  # the old reminder's moment
    run_worker()
    assert reminders(mailoutbox) == []
    assert not ReminderSent.objects.exists()


def test_a_cancelled_meeting_sends_no_reminder(convene, run_worker, mailoutbox, clock,
                                               django_capture_on_commit_callbacks):
    meeting = convene(starts_in=3 * DAYS, reminder_days="1")
    run_worker()  # the convening notices
    with django_capture_on_commit_callbacks(execute=True):
        operations.cancel_meeting(meeting, None, "No quorum")
    clock.advance(2 * DAYS + HOURS)  # the reminder's moment comes
    run_worker()
    assert reminders(mailoutbox) == []
    assert any(m.subject.startswith("Meeting cancelled") for m in mailoutbox)
    reminder_task = DBTaskResult.objects.get(task_path="meetings.tasks.send_reminder")
    assert reminder_task.status == "SUCCESSFUL" and reminder_task.return_value == 0


def test_running_twice_sends_nothing_twice(convene, run_worker, mailoutbox, clock):
    meeting = convene(starts_in=3 * DAYS, reminder_days="1")
    clock.advance(2 * DAYS + HOURS)
    run_worker()
    count = len(mailoutbox)
    assert len(reminders(mailoutbox)) == len(invited(meeting))
    run_worker()
    # The same reminder queued again (a task run twice), and the sweep: nothing more goes.
    tasks.send_reminder.enqueue(meeting.pk, 1, meeting.starts_at.isoformat())
    run_worker()
    call_command("send_due_reminders", verbosity=0)
    assert len(mailoutbox) == count


def test_a_late_reminder_is_superseded_by_a_nearer_one(convene, run_worker, mailoutbox, clock):
    # Worker down for a fortnight: a day before, the 14-day reminder is stale; the 1-day one
    # goes, once.
    meeting = convene(starts_in=20 * DAYS, reminder_days="14,1")
    run_worker()
    clock.advance(19 * DAYS + HOURS)
    run_worker()
    assert len(reminders(mailoutbox)) == len(invited(meeting))
    assert all(m.subject.endswith(("in 1 day", "dans 1 jour")) for m in reminders(mailoutbox))
    assert list(ReminderSent.objects.values_list("days_before", flat=True)) == [1]


# The safety net ------------------------------------------------------------------------------

def test_the_sweep_sends_what_the_worker_missed(convene, mailoutbox, capsys, clock):
    meeting = convene(starts_in=3 * DAYS, reminder_days="1")
    DBTaskResult.objects.all().delete()  # the queue was lost
    clock.advance(2 * DAYS + HOURS)
    call_command("send_due_reminders")
    assert sorted(m.to[0] for m in reminders(mailoutbox)) == sorted(invited(meeting))
    assert "Reminders sent for 1 meeting(s)" in capsys.readouterr().out
    call_command("send_due_reminders")
    assert len(reminders(mailoutbox)) == len(invited(meeting))


def test_the_sweep_skips_cancelled_future_and_moved_meetings(convene, mailoutbox, clock):
    cancelled = convene(starts_in=3 * DAYS, reminder_days="1", title="Cancelled one")
    operations.cancel_meeting(cancelled, None, "No quorum")
    convene(starts_in=20 * DAYS, reminder_days="1", title="Not yet")
    moved = convene(starts_in=3 * DAYS, reminder_days="1", title="Moved one")
    ReminderSent.objects.create(meeting=moved, days_before=1, for_start=moved.starts_at)
    moved.starts_at += 2 * HOURS
    moved.ends_at += 2 * HOURS
    operations.save_meeting_changes(moved, moved.version, None, "Later")
    clock.advance(2 * DAYS + 3 * HOURS)
    call_command("send_due_reminders", verbosity=0)
    subjects = {m.subject for m in reminders(mailoutbox)}
    assert subjects == {"Reminder: Moved one, in 1 day", "Rappel : Moved one, dans 1 jour"}
    assert ReminderSent.objects.filter(meeting=moved).count() == 2
