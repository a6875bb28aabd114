"""Background work of the work programme (digests, alerts, notices), run by the worker."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from members.consensus import people_to_tell
from members.models import Country, WorkingGroup

logger = logging.getLogger(__name__)


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
    from advisory.operations import advisory_read_token

    person = advisory.requester_person
    if person is not None and person.user_id and person.email.lower() == advisory.requester_email:
        return advisory.get_absolute_url()
    return reverse("advisory:advisory_read", args=[advisory_read_token(advisory)])


def _advisory_mail(advisory, event: str, audience: str, to: str, language: str, link: str,
                   name: str) -> None:

    language = language if language in ("en", "fr") else "en"
    with translation.override(language):
        context = {"advisory": advisory, "event": event, "audience": audience, "name": name,
                   "link": settings.SITE_URL + link}
        subject = render_to_string("advisory/email/advisory_subject.txt", context).strip()
        body = render_to_string("advisory/email/advisory_notice.txt", context)
    EmailMessage(" ".join(subject.split())[:200], body, to=[to]).send()


@task()
def notify_advisory(advisory_id: int, event: str) -> int:
    """Email whoever must know of a step of an advisory request, each in their language; no
    one who may not see the request is ever told of it."""
    from advisory.models import AdvisoryRequest

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
    from django.urls import reverse

    from advisory.operations import ADVISORY_INTAKE_DAYS, read_intake_token

    data = read_intake_token(token)
    language = data.get("l") if data.get("l") in ("en", "fr") else "en"
    with translation.override(language):
        context = {"name": data["n"], "ministry": data["m"], "message": message,
                   "inviter": inviter, "days": ADVISORY_INTAKE_DAYS,
                   "country": Country.objects.filter(pk=data["c"]).first(),
                   "group": WorkingGroup.objects.filter(pk=data["g"]).first(),
                   "link": settings.SITE_URL + reverse("advisory:advisory_ministry", args=[token])}
        subject = render_to_string("advisory/email/advisory_invitation_subject.txt",
                                   context).strip()
        body = render_to_string("advisory/email/advisory_invitation.txt", context)
    EmailMessage(" ".join(subject.split())[:200], body, to=[data["e"]]).send()
    return 1
