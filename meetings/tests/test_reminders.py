"""Reminders (issue 3, point 8) through the real queue: django.tasks with django-tasks-db, run by
`db_worker --batch` as production runs `db_worker`; and the `send_due_reminders` safety net."""

import datetime
import signal

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
def run_worker(monkeypatch):
    """Run every task that is due, as `manage.py db_worker --batch` does."""
    from django_tasks_db.management.commands import db_worker

    # The worker checks the connection between tasks as between requests; inside a test's
    # transaction that would drop the connection on PostgreSQL.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
        finally:
            for sig, handler in handlers.items():  # the worker installs its own
                signal.signal(sig, handler)

    return run


def reminders(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith(("Reminder", "Rappel"))]


def invited(meeting) -> set[str]:
    return set(meeting.invitees.exclude(person__email="").values_list("person__email", flat=True))


def test_convening_emails_everyone_and_a_due_reminder_follows(convene, run_worker, mailoutbox):
    meeting = convene(starts_in=12 * HOURS, reminder_days="1")  # the 1-day reminder is due
    assert mailoutbox == []  # nothing is sent in the request: the worker sends
    run_worker()
    everyone = invited(meeting)
    assert len(everyone) > 3
    notices = [m for m in mailoutbox if m not in reminders(mailoutbox)]
    assert sorted(m.to[0] for m in notices) == sorted(everyone)
    assert all(m.attachments[0][0] == "invite.ics" for m in notices)
    sent = reminders(mailoutbox)
    assert sorted(m.to[0] for m in sent) == sorted(everyone)
    assert all("Reminder test meeting" in m.subject for m in sent)
    assert ReminderSent.objects.filter(meeting=meeting, days_before=1,
                                       for_start=meeting.starts_at).count() == 1


def test_a_reminder_in_the_future_waits_for_its_time(convene, run_worker, mailoutbox):
    meeting = convene(starts_in=10 * DAYS, reminder_days="1")
    run_worker()
    assert reminders(mailoutbox) == [] and len(mailoutbox) == len(invited(meeting))
    task = DBTaskResult.objects.get(task_path="meetings.tasks.send_reminder")
    assert task.run_after == meeting.starts_at - DAYS


def test_no_reminder_goes_to_those_who_declined(convene, run_worker, mailoutbox):
    meeting = convene(starts_in=12 * HOURS, reminder_days="1")
    declined = meeting.invitees.exclude(person__email="").first()
    operations.respond(declined, Invitee.Response.DECLINED)
    run_worker()
    assert declined.person.email not in [m.to[0] for m in reminders(mailoutbox)]


def test_a_moved_meeting_is_reminded_for_its_new_start_only(convene, run_worker, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    meeting = convene(starts_in=12 * HOURS, reminder_days="1")
    meeting.starts_at += 6 * HOURS
    meeting.ends_at += 6 * HOURS
    with django_capture_on_commit_callbacks(execute=True):
        operations.save_meeting_changes(meeting, meeting.version, None, "Later in the day")
    run_worker()
    # Two reminders were queued (old start, new start): only the new one sends.
    assert DBTaskResult.objects.filter(task_path="meetings.tasks.send_reminder").count() == 2
    assert len(reminders(mailoutbox)) == len(invited(meeting))
    assert list(ReminderSent.objects.filter(meeting=meeting).values_list("for_start", flat=True)
                ) == [meeting.starts_at]


def test_a_meeting_moved_further_away_is_not_reminded_now(convene, run_worker, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    meeting = convene(starts_in=12 * HOURS, reminder_days="1")
    meeting.starts_at += 20 * DAYS
    meeting.ends_at += 20 * DAYS
    with django_capture_on_commit_callbacks(execute=True):
        operations.save_meeting_changes(meeting, meeting.version, None, "Next month")
    run_worker()
    assert reminders(mailoutbox) == []
    assert not ReminderSent.objects.exists()


def test_a_cancelled_meeting_sends_no_reminder(convene, run_worker, mailoutbox,
                                               django_capture_on_commit_callbacks):
    meeting = convene(starts_in=3 * DAYS, reminder_days="1")
    run_worker()  # the convening notices
    with django_capture_on_commit_callbacks(execute=True):
        operations.cancel_meeting(meeting, None, "No quorum")
    # Time passes: the reminder's moment comes.
    DBTaskResult.objects.filter(task_path="meetings.tasks.send_reminder").update(
        run_after=timezone.now() - HOURS)
    run_worker()
    assert reminders(mailoutbox) == []
    assert any(m.subject.startswith("Meeting cancelled") for m in mailoutbox)
    reminder_task = DBTaskResult.objects.get(task_path="meetings.tasks.send_reminder")
    assert reminder_task.status == "SUCCESSFUL" and reminder_task.return_value == 0


def test_running_twice_sends_nothing_twice(convene, run_worker, mailoutbox):
    meeting = convene(starts_in=12 * HOURS, reminder_days="1")
    run_worker()
    count = len(mailoutbox)
    run_worker()
    # The same reminder queued again (a task run twice), and the sweep: nothing more goes.
    tasks.send_reminder.enqueue(meeting.pk, 1, meeting.starts_at.isoformat())
    run_worker()
    call_command("send_due_reminders", verbosity=0)
    assert len(mailoutbox) == count


def test_a_late_reminder_is_superseded_by_a_nearer_one(convene, run_worker, mailoutbox):
    # Worker down for a week: at 12 hours before, the 14-day reminder is stale; the 1-day one
    # goes, once.
    meeting = convene(starts_in=12 * HOURS, reminder_days="14,1")
    run_worker()
    assert len(reminders(mailoutbox)) == len(invited(meeting))
    assert all(m.subject.endswith((" 1 days", " 1 jours")) for m in reminders(mailoutbox))
    assert list(ReminderSent.objects.values_list("days_before", flat=True)) == [1]


# The safety net ------------------------------------------------------------------------------

def test_the_sweep_sends_what_the_worker_missed(convene, mailoutbox, capsys):
    meeting = convene(starts_in=12 * HOURS, reminder_days="1")
    DBTaskResult.objects.all().delete()  # the queue was lost
    mailoutbox.clear()
    call_command("send_due_reminders")
    assert sorted(m.to[0] for m in reminders(mailoutbox)) == sorted(invited(meeting))
    assert "Reminders sent for 1 meeting(s)" in capsys.readouterr().out
    call_command("send_due_reminders")
    assert len(reminders(mailoutbox)) == len(invited(meeting))


def test_the_sweep_skips_cancelled_future_and_moved_meetings(convene, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    cancelled = convene(starts_in=12 * HOURS, reminder_days="1", title="Cancelled one")
    operations.cancel_meeting(cancelled, None, "No quorum")
    convene(starts_in=10 * DAYS, reminder_days="1", title="Not yet")
    moved = convene(starts_in=12 * HOURS, reminder_days="1", title="Moved one")
    ReminderSent.objects.create(meeting=moved, days_before=1, for_start=moved.starts_at)
    moved.starts_at += 2 * HOURS
    moved.ends_at += 2 * HOURS
    operations.save_meeting_changes(moved, moved.version, None, "Later")
    mailoutbox.clear()
    call_command("send_due_reminders", verbosity=0)
    subjects = {m.subject for m in reminders(mailoutbox)}
    assert subjects == {"Reminder: Moved one in 1 days", "Rappel : Moved one dans 1 jours"}
    assert ReminderSent.objects.filter(meeting=moved).count() == 2
