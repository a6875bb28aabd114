"""The digest email (issue 6, point 2), built for each person by the one
access policy as it sees them (`build_viewer(person.user)`), never more.

- The digest: my open tasks (overdue first), the meetings of the next 14 days I may see, and the
  papers in member review awaiting the position of an organisation I speak for. Each person
  chooses weekly (the default), daily or off on their settings page (`Person.digest`). A daily
  digest goes once per local day (settings.TIME_ZONE); a weekly one when at least 7 local days
  have passed since the last one, whatever the weekday (a person who joins on a Thursday gets
  theirs on Thursdays). Nothing is sent when there is nothing to tell, and then the next day's
  round looks again.
The overdue alert of a task is the tasks app's (tasks.alerts).

It claims its row with a conditional UPDATE before sending, so two rounds (the worker and
the cron safety net) never send the same email twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from meetings.models import Meeting
from members.models import Membership, Person
from papers.models import Paper, Position
from talanoa.access import Viewer, build_viewer, visible
from tasks.lists import open_tasks_of

FORTNIGHT = datetime.timedelta(days=14)
DIGEST_TASKS = 20
DIGEST_MEETINGS = 20
DIGEST_PAPERS = 10


@dataclass
class Digest:
    tasks: list = field(default_factory=list)
    more_tasks: bool = False
    meetings: list = field(default_factory=list)
    papers: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.tasks or self.meetings or self.papers)


def papers_awaiting_position(viewer: Viewer, limit: int = DIGEST_PAPERS) -> list:
    """Papers in member review, open for positions, on which an organisation the viewer
    represents as a member has not recorded its position this round (one query)."""

    if not viewer.org_ids:
        return []
    answered = Position.objects.filter(paper=OuterRef("pk"), review_round=OuterRef("review_round"),
                                       organisation_id__in=viewer.org_ids)
    speaks = Membership.objects.active().filter(group_id=OuterRef("group_id"),
                                                organisation_id__in=viewer.org_ids,
                                                kind=Membership.Kind.MEMBER)
    return list(visible(Paper.objects.all(), viewer).filter(
        status=Paper.Status.REVIEW, archived_at__isnull=True,
        review_until__gte=timezone.localdate()).filter(Exists(speaks)).exclude(Exists(answered))
        .order_by("review_until", "pk")[:limit])


def coming_meetings(viewer: Viewer, now: datetime.datetime, limit: int = DIGEST_MEETINGS):
    return list(visible(Meeting.objects.select_related("group"), viewer).filter(
        status=Meeting.Status.CONVENED, archived_at__isnull=True, starts_at__gte=now,
        starts_at__lt=now + FORTNIGHT).order_by("starts_at", "pk")[:limit])


def digest_for(viewer: Viewer, now: datetime.datetime | None = None) -> Digest:
    """What the digest tells this viewer: only what the policy lets them see."""
    now = now or timezone.now()
    tasks = list(open_tasks_of(viewer)[:DIGEST_TASKS + 1])
    for task in tasks:
        task.shows_names = viewer.sees_members_level(task.group_id)
    return Digest(tasks=tasks[:DIGEST_TASKS], more_tasks=len(tasks) > DIGEST_TASKS,
                  meetings=coming_meetings(viewer, now),
                  papers=papers_awaiting_position(viewer))


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def due_for_digest(now: datetime.datetime | None = None):
    """People with an account whose digest is due: daily ones not sent today, weekly ones not
    sent in the last 7 local days (never sent: due)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return (Person.objects.filter(archived_at__isnull=True, user__isnull=False,
                                  user__is_active=True)
            .exclude(email="").exclude(digest=Person.Digest.OFF)
            .filter(Q(digest_sent_at__isnull=True)
                    | Q(digest=Person.Digest.DAILY, digest_sent_at__lt=_local_midnight(today))
                    | Q(digest=Person.Digest.WEEKLY,
                        digest_sent_at__lt=_local_midnight(today - datetime.timedelta(days=6))))
            .select_related("user").order_by("pk"))


def _language(person: Person) -> str:
    return person.language if person.language in ("en", "fr") else "en"


def _zone(person: Person):
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(person.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def send_digest(person: Person, now: datetime.datetime | None = None) -> bool:
    """Build and send one person's digest if it is not empty; True when it was sent."""
    now = now or timezone.now()
    viewer = build_viewer(person.user)
    digest = digest_for(viewer, now)
    if digest.is_empty:
        return False
    with translation.override(_language(person)), timezone.override(_zone(person)):
        context = {"person": person, "digest": digest, "site": settings.SITE_URL,
                   "today": timezone.localdate(now)}
        subject = render_to_string("tasks/email/tasks_digest_subject.txt", context).strip()
        body = render_to_string("tasks/email/tasks_digest.txt", context)
    # The claim and the message's row in one transaction: a concurrent round that read the same
    # date updates nothing and writes nothing; a worker that dies leaves both or neither.
    with transaction.atomic():
        if not Person.objects.filter(pk=person.pk, digest_sent_at=person.digest_sent_at).update(
                digest_sent_at=now):
            return False
        EmailMessage(subject[:200], body, to=[person.email]).send()
    return True


def send_due_digests(now: datetime.datetime | None = None) -> int:
    """Send every digest that is due; the number sent."""
    now = now or timezone.now()
    return sum(send_digest(person, now) for person in due_for_digest(now).iterator())
