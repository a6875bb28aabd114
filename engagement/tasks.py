"""Background work of the work programme (digests, alerts, notices), run by the worker."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from members.models import Person, Representative

logger = logging.getLogger(__name__)


ALERT_DAYS = 14


def alert_engagement_deadlines(today: datetime.date | None = None) -> int:
    """Tell the secretariat of every open process whose deadline is at most ALERT_DAYS away
    (once per process and deadline, recorded), each person in their language. Processes are
    public records, so the email names them freely. Returns the number of emails sent."""
    from django.db import IntegrityError, transaction

    from engagement.models import EngagementDeadlineAlert, EngagementProcess

    today = today or timezone.localdate()
    due = (EngagementProcess.objects.current()
           .filter(EngagementProcess.open_q(today), body__archived_at__isnull=True,
                   deadline__gte=today,
                   deadline__lte=today + datetime.timedelta(days=ALERT_DAYS))
           .exclude(deadline_alerts__deadline=F("deadline"))
           .select_related("body").order_by("deadline", "pk"))
    processes = list(due)
    if not processes:
        return 0
    secretariat = list(Person.objects.filter(
        pk__in=Representative.objects.current().filter(
            role=Representative.Role.SECRETARIAT).values("person_id"),
        archived_at__isnull=True).exclude(email=""))
    sent = 0
    for process in processes:
        messages = []
        for person in secretariat:
            language = person.language if person.language in ("en", "fr") else "en"
            with translation.override(language):
                context = {"process": process, "person": person,
                           "days": (process.deadline - today).days,
                           "link": settings.SITE_URL + process.get_absolute_url()}
                subject = render_to_string("engagement/email/engagement_deadline_subject.txt",
                                           context).strip()
                body = render_to_string("engagement/email/engagement_deadline.txt", context)
            messages.append(EmailMessage(subject[:200], body, to=[person.email]))
        # The alert's row and the messages in one transaction: all queued once, or none.
        try:
            with transaction.atomic():
                EngagementDeadlineAlert.objects.create(process=process, deadline=process.deadline,
                                                       recipients=len(messages))
                for message in messages:
                    message.send()
        except IntegrityError:
            continue  # told already (another run)
        sent += len(messages)
    return sent


@task()
def alert_engagement_deadlines_task(today: str | None = None) -> int:
    """The daily job: `today` as an ISO date (None: today)."""
    return alert_engagement_deadlines(datetime.date.fromisoformat(today) if today else None)
