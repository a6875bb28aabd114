"""The overdue alert (issue 6, point 2): once per task per due date
(`Task.overdue_alert_sent_for`), while the date is less than 30 days past
(OVERDUE_ALERT_WINDOW), to the owner (the person; or, if none is named, the owner organisation's
current representatives in the task's group) and the group's secretariat, each only if they may
see the task, built by the one access policy as it sees them (`build_viewer(person.user)`).

It claims its row with a conditional UPDATE before sending, so two rounds (the worker and the
cron safety net) never send the same email twice.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from members.models import Person, Representative
from talanoa.access import Viewer, build_viewer, can_view_task
from tasks.models import Task

# A task found overdue for longer than this (the first round after an outage, or the meetings'
# old action items on the first run) is not alerted: the owners' digests list it, and a flood of
# alerts for last year's tasks would teach people to ignore them.
OVERDUE_ALERT_WINDOW = datetime.timedelta(days=30)


def _language(person: Person) -> str:
    return person.language if person.language in ("en", "fr") else "en"


def overdue_alert_recipients(task: Task) -> list[tuple[Person, Viewer]]:
    """The owner (or the owner organisation's current representatives in the task's group) and
    the group's secretariat, with an account and an email, who may see the task."""
    owners = Person.objects.none()
    if task.owner_person_id:
        owners = Person.objects.filter(pk=task.owner_person_id)
    else:
        owners = Person.objects.filter(pk__in=Representative.objects.current().filter(
            group_id=task.group_id, organisation_id=task.owner_organisation_id)
            .values("person_id"))
    secretariat = Person.objects.filter(pk__in=Representative.objects.current().filter(
        group_id=task.group_id, role=Representative.Role.SECRETARIAT).values("person_id"))
    people = (owners | secretariat).filter(archived_at__isnull=True, user__isnull=False,
                                          user__is_active=True).exclude(email="")
    recipients = []
    for person in people.select_related("user").distinct().order_by("pk"):
        viewer = build_viewer(person.user)
        if can_view_task(task, viewer):
            recipients.append((person, viewer))
    return recipients


def overdue_tasks(today: datetime.date | None = None):
    """Open tasks past their due date whose alert was not sent for that date (within
    OVERDUE_ALERT_WINDOW of it)."""
    today = today or timezone.localdate()
    return (Task.objects.filter(status__in=Task.OPEN_STATUSES, due_on__lt=today,
                                due_on__gte=today - OVERDUE_ALERT_WINDOW)
            .exclude(overdue_alert_sent_for=F("due_on"))
            .select_related("group", "owner_organisation", "owner_person", *Task.LINKS)
            .order_by("due_on", "pk"))


def send_overdue_alert(task: Task) -> int:
    """Alert one overdue task's owner and secretariat, once for its due date; emails sent."""
    messages = []
    for person, viewer in overdue_alert_recipients(task):
        with translation.override(_language(person)):
            context = {"person": person, "task": task, "item": task.linked_item,
                       "owner": task.owner_person_id == person.pk,
                       "shows_names": viewer.sees_members_level(task.group_id),
                       "link": settings.SITE_URL + task.get_absolute_url()}
            subject = render_to_string("tasks/email/tasks_overdue_subject.txt", context).strip()
            body = render_to_string("tasks/email/tasks_overdue.txt", context)
        messages.append(EmailMessage(subject[:200], body, to=[person.email]))
    # The mark and the messages in one transaction: all queued once, or none and not marked.
    with transaction.atomic():
        if not Task.objects.filter(pk=task.pk, due_on=task.due_on).filter(
                Q(overdue_alert_sent_for__isnull=True)
                | ~Q(overdue_alert_sent_for=task.due_on)).update(
                    overdue_alert_sent_for=task.due_on):
            return 0
        for message in messages:
            message.send()
    return len(messages)


def send_overdue_alerts(today: datetime.date | None = None) -> int:
    """Send every overdue alert not sent yet; the number of emails."""
    return sum(send_overdue_alert(task) for task in overdue_tasks(today).iterator())
