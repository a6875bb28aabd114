"""Background work of the work programme (digests, alerts, notices), run by the worker."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from talanoa.tasks import queue_unless_waiting, waiting

logger = logging.getLogger(__name__)



# --- Work plan ------------------------------------------------------------------------------


def late_milestones(today: datetime.date | None = None):
    """Current milestones past their due date, not done, not yet alerted for that date."""
    from work.models import PlanItem

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
    from members.consensus import people_to_tell
    from members.models import Organisation, Representative

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
    from work.models import PlanItem

    sent = 0
    for item in late_milestones(today):
        link = settings.SITE_URL + item.get_absolute_url()
        # The initiative is named only to who may see it: the same people, since a milestone
        # is never more widely seen than the items above it.
        initiative = item.initiative if item.initiative_id != item.pk else None
        for person in late_alert_recipients(item):
            language = person.language if person.language in ("en", "fr") else "en"
            with translation.override(language):
                context = {"item": item, "person": person, "link": link,
                           "initiative": initiative}
                subject = render_to_string("work/email/plan_late_subject.txt", context).strip()
                body = render_to_string("work/email/plan_late.txt", context)
            EmailMessage(subject[:200], body, to=[person.email]).send()
            sent += 1
        # Bookkeeping, not an edit: no new version, no history row.
        PlanItem.objects.filter(pk=item.pk).update(late_alert_sent_for=item.due_on)
    return sent


@task()
def alert_late_milestones_task() -> int:
    """The daily job (the scheduler enqueues it)."""
    return alert_late_milestones()




# --- Tasks ----------------------------------------------------------------------------------
# The daily round: the worker runs it once a day at DAILY_ROUND_AT (settings.TIME_ZONE, Fiji by
# default: early morning across most of the Pacific); each run queues the next. Its jobs are
# plain functions (no argument) that must be safe to run twice: another section adds its own
# (e.g. `alert_late_milestones`) by appending it to DAILY_JOBS.
DAILY_ROUND_AT = datetime.time(6, 0)


def send_digests() -> int:
    from work.digest import send_due_digests

    return send_due_digests()


def send_overdue_alerts() -> int:
    from work.digest import send_overdue_alerts as send

    return send()


DAILY_JOBS: list[Callable[[], object]] = [send_digests, send_overdue_alerts]


def next_round_at(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next DAILY_ROUND_AT, local time, strictly after now."""
    now = timezone.localtime(now or timezone.now())
    at = timezone.make_aware(datetime.datetime.combine(now.date(), DAILY_ROUND_AT))
    return at if at > now else timezone.make_aware(datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), DAILY_ROUND_AT))


def pending_rounds():
    """The daily rounds queued and not yet run (the chain's next link)."""
    return waiting(daily_round)


def schedule_daily_round(run_after: datetime.datetime | None = None) -> bool:
    """Queue the next daily round unless one is already waiting; True if one was queued."""
    return queue_unless_waiting(daily_round, run_after or next_round_at())


@task()
def daily_round() -> dict:
    """Run every daily job (each idempotent: a second run the same day sends nothing), then
    queue tomorrow's round, even if a job failed (its error is logged, the others still run)."""
    done = {}
    try:
        for job in DAILY_JOBS:
            try:
                done[job.__name__] = job()
            except Exception:
                logger.exception("daily job %s failed", job.__name__)
                done[job.__name__] = "failed"
    finally:
        schedule_daily_round()
    return done





# --- Who does what --------------------------------------------------------------------------




# --- Advisory requests ----------------------------------------------------------------------
# event -> who is told. The requester (a ministry contact has no account: their link is signed
# and opens this one request in their browser) when it is received, answered, closed or
# declined; the group's chair and secretariat of a new request; whoever is assigned.
ADVISORY_EVENTS = {
    "received": ("requester", "editors"),
    "assigned": ("assigned",),
    "answered": ("requester",),
    "answered_again": ("requester",),
    "closed": ("requester",),
    "declined": ("requester",),
}


def _advisory_requester_link(advisory) -> str:
    from django.urls import reverse

    from work.operations import advisory_read_token

    person = advisory.requester_person
    if person is not None and person.user_id and person.email.lower() == advisory.requester_email:
        return advisory.get_absolute_url()
    return reverse("work:advisory_read", args=[advisory_read_token(advisory)])


def _advisory_mail(advisory, event: str, audience: str, to: str, language: str, link: str,
                   name: str) -> None:
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation

    language = language if language in ("en", "fr") else "en"
    with translation.override(language):
        context = {"advisory": advisory, "event": event, "audience": audience, "name": name,
                   "link": settings.SITE_URL + link}
        subject = render_to_string("work/email/advisory_subject.txt", context).strip()
        body = render_to_string("work/email/advisory_notice.txt", context)
    EmailMessage(" ".join(subject.split())[:200], body, to=[to]).send()


@task()
def notify_advisory(advisory_id: int, event: str) -> int:
    """Email whoever must know of a step of an advisory request, each in their language; no
    one who may not see the request is ever told of it."""
    from members.consensus import people_to_tell
    from work.models import AdvisoryRequest

    advisory = (AdvisoryRequest.objects.select_related(
        "group", "requester_person", "assigned_person", "assigned_organisation")
        .filter(pk=advisory_id, archived_at__isnull=True).first())
    if advisory is None or event not in ADVISORY_EVENTS:
        return 0
    sent = 0
    told: set[str] = set()
    for audience in ADVISORY_EVENTS[event]:
        if audience == "requester":
            language = (advisory.requester_person.language if advisory.requester_person
                        else advisory.language)
            recipients = [(advisory.requester_email, language,
                           _advisory_requester_link(advisory), advisory.requester_name)]
        elif audience == "editors":
            recipients = [(p.email, p.language, advisory.get_absolute_url(), p.name)
                          for p in people_to_tell(advisory, editors=True)]
        else:  # assigned: the person, else the organisation's representatives in the group
            person = advisory.assigned_person
            people = ([person] if person is not None and person.email
                      else people_to_tell(advisory,
                                          organisations=[advisory.assigned_organisation_id]))
            recipients = [(p.email, p.language, advisory.get_absolute_url(), p.name)
                          for p in people]
        for email, language, link, name in recipients:
            if not email or email.lower() in told:
                continue
            told.add(email.lower())
            _advisory_mail(advisory, event, audience, email, language, link, name)
            sent += 1
    return sent


@task()
def send_ministry_invitation(token: str, message: str = "", inviter: str = "") -> int:
    """The invitation to a ministry's contact, with the signed link to the intake form."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from members.models import Country, WorkingGroup
    from work.operations import ADVISORY_INTAKE_DAYS, read_intake_token

    data = read_intake_token(token)
    language = data.get("l") if data.get("l") in ("en", "fr") else "en"
    with translation.override(language):
        context = {"name": data["n"], "ministry": data["m"], "message": message,
                   "inviter": inviter, "days": ADVISORY_INTAKE_DAYS,
                   "country": Country.objects.filter(pk=data["c"]).first(),
                   "group": WorkingGroup.objects.filter(pk=data["g"]).first(),
                   "link": settings.SITE_URL + reverse("work:advisory_ministry", args=[token])}
        subject = render_to_string("work/email/advisory_invitation_subject.txt", context).strip()
        body = render_to_string("work/email/advisory_invitation.txt", context)
    EmailMessage(" ".join(subject.split())[:200], body, to=[data["e"]]).send()
    return 1





# --- Engagement -----------------------------------------------------------------------------

ALERT_DAYS = 14


def alert_engagement_deadlines(today: datetime.date | None = None) -> int:
    """Tell the secretariat of every open process whose deadline is at most ALERT_DAYS away
    (once per process and deadline, recorded), each person in their language. Processes are
    public records, so the email names them freely. Returns the number of emails sent."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.db import IntegrityError, transaction
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from members.models import Person, Representative
    from work.models import EngagementDeadlineAlert, EngagementProcess

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
        try:
            with transaction.atomic():
                alert = EngagementDeadlineAlert.objects.create(process=process,
                                                               deadline=process.deadline)
        except IntegrityError:
            continue  # told already (another run)
        for person in secretariat:
            language = person.language if person.language in ("en", "fr") else "en"
            with translation.override(language):
                context = {"process": process, "person": person,
                           "days": (process.deadline - today).days,
                           "link": settings.SITE_URL + process.get_absolute_url()}
                subject = render_to_string("work/email/engagement_deadline_subject.txt",
                                           context).strip()
                body = render_to_string("work/email/engagement_deadline.txt", context)
            EmailMessage(subject[:200], body, to=[person.email]).send()
            sent += 1
        alert.recipients = len(secretariat)
        alert.save(update_fields=["recipients"])
    return sent


@task()
def alert_engagement_deadlines_task(today: str | None = None) -> int:
    """The daily job: `today` as an ISO date (None: today)."""
    return alert_engagement_deadlines(datetime.date.fromisoformat(today) if today else None)


# --- Directory and "take part" --------------------------------------------------------------


# event -> the status the request must still be in for the email to go
JOIN_REQUEST_EVENTS = {"confirm": "awaiting_email", "received": "received",
                       "approved": "approved", "declined": "declined"}


def _secretariat_of(group) -> list[tuple[str, str]]:
    """(email, language) of the group's secretariat; its chair if it has none on record."""
    from members.models import Representative

    reps = (Representative.objects.current().filter(group=group)
            .exclude(person__email="").select_related("person"))
    people = [r.person for r in reps if r.role == Representative.Role.SECRETARIAT] or [
        r.person for r in reps if r.role in Representative.EDITOR_ROLES]
    seen, result = set(), []
    for person in people:
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            result.append((person.email, person.language))
    return result


@task()
def send_join_request_email(join_request_id: int, event: str) -> int:
    """The applicant's emails (the confirmation link, the outcome) in the language they used,
    and the secretariat's notice of a confirmed request, each in its reader's language."""
    from work.models import JoinRequest
    from work.operations import TAKE_PART_LINK_DAYS, join_request_token

    join_request = (JoinRequest.objects.select_related("group", "organisation")
                    .filter(pk=join_request_id).first())
    if join_request is None or JOIN_REQUEST_EVENTS.get(event) != join_request.status:
        return 0  # a stale job: the request has moved on
    context = {"join_request": join_request, "event": event, "days": TAKE_PART_LINK_DAYS,
               "group": join_request.group}
    if event == "confirm":
        context["link"] = settings.SITE_URL + reverse(
            "work:take_part_confirm", args=[join_request_token(join_request)])
    elif event == "received":
        context["link"] = settings.SITE_URL + join_request.get_absolute_url()
    elif event == "approved" and join_request.organisation_id:
        context["link"] = settings.SITE_URL + join_request.organisation.get_absolute_url()
    recipients = (_secretariat_of(join_request.group) if event == "received"
                  else [(join_request.email, join_request.language)])
    for email, language in recipients:
        with translation.override(language if language in ("en", "fr") else "en"):
            subject = render_to_string("work/email/directory_subject.txt", context).strip()
            body = render_to_string(f"work/email/directory_{event}.txt", context)
        EmailMessage(subject[:200], body, to=[email]).send()
    return len(recipients)





# --- The daily round's jobs of the other sections (defined above; each safe to run twice) -----
DAILY_JOBS += [alert_late_milestones, alert_engagement_deadlines]
