"""Background work of papers, run by `manage.py db_worker`: telling whoever must act next, and
sending briefs to the missions (G4)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from papers.models import BriefDelivery, Paper

# event -> (who is told, the email template)
EVENTS = {
    "review_opened": "members",      # member organisations: record your position
    "positions_complete": "editors",  # chair and secretariat: ready to clear
    "review_closed": "editors",      # the period is over: the chair records the consensus
    "cleared": "editors",            # secretariat: submit it
    "submitted": "authors",
    "outcome": "authors",
    "returned": "authors",
    "published": "authors",
}


@task()
def notify(paper_id: int, event: str, review_round: int | None = None) -> int:
    """Email the people who must act next (or who must know), each in their language."""
    from papers.operations import member_organisations, people_to_tell

    paper = Paper.objects.select_related("group", "lead_organisation").filter(
        pk=paper_id, archived_at__isnull=True).first()
    if paper is None or event not in EVENTS:
        return 0
    if event == "review_closed" and (
            paper.status != Paper.Status.REVIEW or paper.review_round != review_round
            or paper.review_open):
        return 0  # cleared or reopened meanwhile, or the period was extended
    audience = EVENTS[event]
    if audience == "members":
        people = people_to_tell(paper, organisations=member_organisations(paper))
    elif audience == "editors":
        people = people_to_tell(paper, editors=True)
    else:
        authors = [paper.lead_organisation_id, *paper.contributors.values_list("pk", flat=True)]
        people = people_to_tell(paper, organisations=authors)
    sent = 0
    for person in people:
        language = person.language if person.language in ("en", "fr") else "en"
        with translation.override(language):
            context = {"paper": paper, "person": person, "event": event,
                       "link": settings.SITE_URL + paper.get_absolute_url()}
            subject = render_to_string("papers/email/subject.txt", context).strip()
            body = render_to_string("papers/email/notice.txt", context)
        EmailMessage(subject[:200], body, to=[person.email]).send()
        sent += 1
    return sent


@task()
def send_briefs(paper_id: int) -> int:
    """Send every queued delivery of the brief: a link and the PDF, in the contact's language."""
    from papers.operations import claim_delivery
    from papers.pdf import paper_pdf

    paper = Paper.objects.select_related("group", "kind", "lead_organisation").get(pk=paper_id)
    pdfs: dict[str, bytes] = {}
    sent = 0
    pending = (BriefDelivery.objects.filter(paper=paper, sent_at__isnull=True)
               .select_related("contact"))
    for delivery in pending:
        language = delivery.contact.language if delivery.contact else "en"
        if language not in pdfs:
            pdfs[language] = paper_pdf(paper, language)
        with translation.override(language):
            context = {"paper": paper, "delivery": delivery,
                       "link": settings.SITE_URL + paper.get_absolute_url()}
            subject = render_to_string("papers/email/brief_subject.txt", context).strip()
            body = render_to_string("papers/email/brief.txt", context)
        message = EmailMessage(subject[:200], body, to=[delivery.email])
        message.attach(f"talanoa-paper-{paper.pk}.pdf", pdfs[language], "application/pdf")
        # Claimed with the message's row in one transaction: "Send brief" pressed twice queues
        # two tasks, and two workers running them at once write each delivery's message once.
        with transaction.atomic():
            if not claim_delivery(delivery):
                continue
            message.send()
        sent += 1
    return sent
