"""Background work of the work programme (digests, alerts, notices), run by the worker."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from members.models import Representative

logger = logging.getLogger(__name__)


# event -> the status the request must still be in for the email to go
JOIN_REQUEST_EVENTS = {"confirm": "awaiting_email", "received": "received",
                       "approved": "approved", "declined": "declined"}


def _secretariat_of(group) -> list[tuple[str, str]]:
    """(email, language) of the group's secretariat; its chair if it has none on record."""

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
    from directory.models import JoinRequest
    from directory.operations import TAKE_PART_LINK_DAYS, join_request_token

    join_request = (JoinRequest.objects.select_related("group", "organisation")
                    .filter(pk=join_request_id).first())
    if join_request is None or JOIN_REQUEST_EVENTS.get(event) != join_request.status:
        return 0  # a stale job: the request has moved on
    context = {"join_request": join_request, "event": event, "days": TAKE_PART_LINK_DAYS,
               "group": join_request.group}
    if event == "confirm":
        context["link"] = settings.SITE_URL + reverse(
            "directory:take_part_confirm", args=[join_request_token(join_request)])
    elif event == "received":
        context["link"] = settings.SITE_URL + join_request.get_absolute_url()
    elif event == "approved" and join_request.organisation_id:
        context["link"] = settings.SITE_URL + join_request.organisation.get_absolute_url()
    recipients = (_secretariat_of(join_request.group) if event == "received"
                  else [(join_request.email, join_request.language)])
    for email, language in recipients:
        with translation.override(language if language in ("en", "fr") else "en"):
            subject = render_to_string("directory/email/directory_subject.txt", context).strip()
            body = render_to_string(f"directory/email/directory_{event}.txt", context)
        EmailMessage(subject[:200], body, to=[email]).send()
    return len(recipients)
