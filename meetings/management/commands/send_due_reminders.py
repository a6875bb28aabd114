"""Send every meeting reminder that is due and not sent yet: the safety net behind the worker.

Reminders are normally queued when a meeting is convened or moved and run by `manage.py
db_worker` at their time. If the worker was down, or the queue lost, this sends what is due
(run it from cron, e.g. hourly). ReminderSent makes it safe to run any number of times, beside
the worker or not.
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from meetings.models import Meeting, ReminderSent
from meetings.tasks import due_reminder, send_reminder

# Reminders are configured up to 90 days before (validate_reminder_days).
HORIZON = datetime.timedelta(days=91)


class Command(BaseCommand):
    help = "Send the meeting reminders that are due and were not sent yet."

    def handle(self, *args, **options):
        now = timezone.now()
        meetings = (Meeting.objects.filter(status=Meeting.Status.CONVENED,
                                           archived_at__isnull=True, starts_at__gt=now,
                                           starts_at__lte=now + HORIZON)
                    .exclude(reminder_days="").order_by("starts_at", "pk"))
        reminded = emails = 0
        for meeting in meetings.iterator():
            days = due_reminder(meeting, now)
            if days is None or ReminderSent.objects.filter(
                    meeting=meeting, days_before=days, for_start=meeting.starts_at).exists():
                continue
            # The task's own function, run here: it checks the meeting again and records
            # ReminderSent, so a worker running the queued copy at the same time sends nothing.
            sent = send_reminder.call(meeting.pk, days, meeting.starts_at.isoformat())
            if sent:
                reminded += 1
                emails += sent
        self.stdout.write(f"Reminders sent for {reminded} meeting(s), {emails} email(s).")
