"""Background work of the work programme (digests, alerts, notices), run by the worker."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from members.consensus import people_to_tell
from members.models import Organisation, Representative

logger = logging.getLogger(__name__)


def late_milestones(today: datetime.date | None = None):
    """Current milestones past their due date, not done, not yet alerted for that date."""
    from plan.models import PlanItem

    today = today or timezone.localdate()
    return (PlanItem.objects.filter(kind=PlanItem.Kind.MILESTONE, archived_at__isnull=True,
                                    done_on__isnull=True, due_on__lt=today)
            .exclude(late_alert_sent_for=F("due_on"))
            .select_related("group", "lead_organisation", "owner_person", "initiative")
            .order_by("due_on", "pk"))


def late_alert_recipients(item) -> list:
    """Who is told a milestone is late, among those who may see it: its focal person (else,
    or if they may not see it, the current representatives of its lead organisation in the
    group), and the group's secretariat."""

    people = []
    if item.owner_person_id is not None:
        people = list(people_to_tell(item, organisations=Organisation.objects.all(),
                                     editors=True).filter(pk=item.owner_person_id))
    if not people:
        people = list(people_to_tell(item, organisations=[item.lead_organisation_id]))
    secretariat = (Representative.objects.current()
                   .filter(group_id=item.group_id, role=Representative.Role.SECRETARIAT)
                   .values("person_id"))
    people += [p for p in people_to_tell(item, editors=True).filter(pk__in=secretariat)
               if p.pk not in {q.pk for q in people}]
    return people


def alert_late_milestones(today: datetime.date | None = None) -> int:
    """Email, once per due date, that a milestone is late (see `late_alert_recipients`), each
    person in their language; moving the due date re-arms the alert. Returns emails sent."""
    from plan.models import PlanItem

    sent = 0
    for item in late_milestones(today):
        link = settings.SITE_URL + item.get_absolute_url()
        # The initiative is named only to who may see it: the same people, since a milestone
        # is never more widely seen than the items above it.
        initiative = item.initiative if item.initiative_id != item.pk else None
        messages = []
        for person in late_alert_recipients(item):
            language = person.language if person.language in ("en", "fr") else "en"
            with translation.override(language):
                context = {"item": item, "person": person, "link": link,
                           "initiative": initiative}
                subject = render_to_string("plan/email/plan_late_subject.txt", context).strip()
                body = render_to_string("plan/email/plan_late.txt", context)
            messages.append(EmailMessage(subject[:200], body, to=[person.email]))
        # The mark and the messages in one transaction: all queued once, or none and not
        # marked. Bookkeeping, not an edit: no new version, no history row.
        with transaction.atomic():
            if not PlanItem.objects.filter(pk=item.pk).exclude(
                    late_alert_sent_for=item.due_on).update(late_alert_sent_for=item.due_on):
                continue  # another run told them already
            for message in messages:
                message.send()
        sent += len(messages)
    return sent


@task()
def alert_late_milestones_task() -> int:
    """The daily job (the scheduler enqueues it)."""
    return alert_late_milestones()
