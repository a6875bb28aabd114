"""Background work of decisions and proposals: notices, sent by the worker."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from members.consensus import member_organisations, people_to_tell

# --- The decision register (G2) ---------------------------------------------------------------


# --- The proposals pipeline (G3) --------------------------------------------------------------
# event -> who is told: whoever acts next, or must know.
PROPOSAL_EVENTS = {
    "submitted": "members_and_editors",  # members score it; the secretariat follows it
    "reopened": "members_and_editors",   # back for scoring after a hold
    "scores_complete": "editors",        # every organisation scored: to CROP Executives
    "executives": "lead_and_editors",    # forward / hold / reject, with reasons
    "at_sscr": "lead",
    "sscr_outcome": "lead_and_editors",  # the secretariat acts next (Leaders, or again SSCR)
    "leaders": "lead_and_members",       # the decision is in the register
}


@task()
def notify_proposal(proposal_id: int, event: str) -> int:
    """Email the people who must act next on a proposal (or must know), each in their
    language; people who may not see the proposal are never told of it."""
    from decisions.models import Proposal

    proposal = (Proposal.objects.select_related("group", "cycle", "lead_organisation")
                .filter(pk=proposal_id, archived_at__isnull=True).first())
    if proposal is None or event not in PROPOSAL_EVENTS:
        return 0
    audience = PROPOSAL_EVENTS[event]
    organisations = []
    if "members" in audience:
        organisations += list(member_organisations(proposal).values_list("pk", flat=True))
    if "lead" in audience:
        organisations += [proposal.lead_organisation_id,
                          *proposal.partners.values_list("pk", flat=True)]
    people = people_to_tell(proposal, organisations=organisations,
                            editors="editors" in audience)
    sent = 0
    for person in people:
        language = person.language if person.language in ("en", "fr") else "en"
        with translation.override(language):
            context = {"proposal": proposal, "person": person, "event": event,
                       "link": settings.SITE_URL + proposal.get_absolute_url()}
            subject = render_to_string("decisions/email/proposal_subject.txt", context).strip()
            body = render_to_string("decisions/email/proposal_notice.txt", context)
        EmailMessage(subject[:200], body, to=[person.email]).send()
        sent += 1
    return sent
