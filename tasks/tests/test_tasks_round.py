"""The daily round: digests and overdue alerts by the worker, idempotent, and a chain that
queues itself once for the next day; the cron command and the scheduling command."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from members.models import Person
from talanoa import daily
from talanoa.daily import DAILY_JOBS, daily_round, next_round_at, pending_rounds

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_mail(people, add_task, demo_item):
    """The member's digest is due (others off) and one of her tasks is overdue."""
    Person.objects.exclude(pk=people["member"].person.pk).update(digest=Person.Digest.OFF)
    add_task("Overdue in the round", about=demo_item("meeting", "public"), due_in=-1)


def test_the_round_sends_once_and_queues_tomorrows(due_mail, people):
    result = daily_round.call()
    assert result["send_due_digests"] == 1 and result["send_overdue_alerts"] >= 2
    sent = len(mail.outbox)
    assert [m for m in mail.outbox if m.to == [people["member"].email]
            and "Overdue in the round" in m.body]
    daily_round.call()
    assert len(mail.outbox) == sent  # run twice: no duplicate email
    [queued] = pending_rounds()
    assert queued.run_after == next_round_at() and queued.run_after > timezone.now()


def test_the_worker_runs_a_due_round(due_mail, run_worker, people):
    daily_round.using(run_after=timezone.now()).enqueue()
    run_worker()
    assert any(m.to == [people["member"].email] for m in mail.outbox)
    [queued] = pending_rounds()
    assert queued.run_after > timezone.now()
    assert DBTaskResult.objects.filter(task_path=daily_round.module_path,
                                       status="SUCCESSFUL").count() == 1


def test_a_failing_job_does_not_break_the_chain(monkeypatch, due_mail):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(daily, "DAILY_JOBS", [broken, *DAILY_JOBS])
    result = daily_round.call()
    assert result["broken"] == "failed" and result["send_due_digests"] == 1
    assert pending_rounds().count() == 1


def test_scheduling_is_idempotent():
    call_command("schedule_daily_round", stdout=io.StringIO())
    call_command("schedule_daily_round", stdout=io.StringIO())
    assert pending_rounds().count() == 1


def test_the_cron_command_sends_what_is_due_once(due_mail, people):
    call_command("send_work_mail", stdout=io.StringIO())
    sent = len(mail.outbox)
    assert sent >= 3
    call_command("send_work_mail", stdout=io.StringIO())
    assert len(mail.outbox) == sent
