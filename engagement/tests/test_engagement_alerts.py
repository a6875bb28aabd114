"""The deadline alert: the secretariat hears of an open process 14 days before its deadline,
once per deadline, in their language."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from engagement.models import EngagementDeadlineAlert, EngagementProcess, ExternalBody
from engagement.tasks import alert_engagement_deadlines, alert_engagement_deadlines_task
from members.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate() + datetime.timedelta(days=400)  # past every demo deadline


def _process(today, days: int, **fields) -> EngagementProcess:
    return EngagementProcess.objects.create(
        body=ExternalBody.objects.get(slug="icann"), title_en=f"Comment period {days}",
        deadline=today + datetime.timedelta(days=days), **fields)


def test_the_secretariat_is_told_once_fourteen_days_before(today):
    due = _process(today, 14)
    _process(today, 15)  # not yet
    _process(today, 3, status_set="closed")  # closed early
    _process(today, -1)  # passed
    archived = _process(today, 10)
    archived.archived_at = timezone.now()
    archived.save()
    mail.outbox.clear()
    assert alert_engagement_deadlines(today) == 1
    [message] = mail.outbox
    assert message.to == ["secretariat@demo.talanoa.test"]
    assert "Comment period 14" in message.subject and "in 14 days" in message.body
    assert due.get_absolute_url() in message.body
    assert alert_engagement_deadlines(today) == 0  # once
    assert alert_engagement_deadlines(today + datetime.timedelta(days=1)) == 1  # the 15 one
    assert EngagementDeadlineAlert.objects.get(process=due).recipients == 1


def test_a_moved_deadline_is_told_again_and_a_late_run_still_tells(today):
    process = _process(today, 5)  # created inside the window: told at the next run
    assert alert_engagement_deadlines(today) == 1
    process.deadline = today + datetime.timedelta(days=12)
    process.save()
    mail.outbox.clear()
    assert alert_engagement_deadlines(today) == 1
    assert "in 12 days" in mail.outbox[0].body


def test_each_person_in_their_language(today):
    Person.objects.filter(email="secretariat@demo.talanoa.test").update(language="fr")
    _process(today, 0)
    mail.outbox.clear()
    alert_engagement_deadlines_task.call(today.isoformat())
    [message] = mail.outbox
    # The greeting's translation is in the catalogue already; the rest is translated at merge.
    assert message.body.startswith("Bonjour Sione Latu")
    assert "Comment period 0" in message.subject
