"""Named state changes of papers: draft, review, positions, clearance (R4), submission, outcome,
publication, files and the sending of briefs (G4). Views validate, then call these."""

import datetime
import functools
import hashlib

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from members import consensus
from members.models import Body, Organisation, Person
from papers import tasks
from papers.models import (
    BriefDelivery,
    MissionContact,
    MissionList,
    Paper,
    PaperFile,
    PaperTransition,
    Position,
    ReviewComment,
)
from talanoa import events, searchable
from talanoa.lib.editing import save_versioned
from talanoa.lib.file_text import extract_text
from talanoa.lib.markup import markdown_text
from talanoa.lib.reasons import with_reason

Status = Paper.Status

ALLOWED: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.REVIEW,),
    Status.REVIEW: (Status.CLEARED, Status.DRAFT),
    Status.CLEARED: (Status.SUBMITTED, Status.PUBLISHED, Status.DRAFT),
    Status.SUBMITTED: (Status.DECIDED,),
    Status.DECIDED: (Status.PUBLISHED, Status.SUBMITTED, Status.DRAFT),
    Status.PUBLISHED: (),
}

DRAFTED = gettext_noop("Drafted")
REVIEW_OPENED = gettext_noop("Member review opened")
FILE_ADDED = gettext_noop("File added")


class InvalidTransition(Exception):
    pass


class StepRefused(Exception):
    """The step is allowed in principle but not now; the message says why, for the person."""


def _move(paper: Paper, to: str, by, reason: str = "") -> None:
    if to not in ALLOWED[paper.status]:
        raise InvalidTransition(f"{paper.status} → {to}")
    PaperTransition.objects.create(paper=paper, from_status=paper.status, to_status=to,
                                   reason=reason, by=by)
    paper.status = to


def _locked_step(step):
    """A lifecycle step on the paper as it is now, locked until the step commits. The view
    loaded it earlier: an edit saved since (a new text, a new version) would otherwise be
    written back over by the step's whole-row save, and two steps at once would both start
    from the same status."""

    @functools.wraps(step)
    @transaction.atomic
    def locked(paper: Paper, *args, **kwargs):
        paper.refresh_from_db(from_queryset=Paper.objects.select_for_update())
        return step(paper, *args, **kwargs)

    return locked


def _save_step(paper: Paper, reason: str) -> None:
    paper.version += 1
    with_reason(paper, reason).save()


def _notify(paper: Paper, event: str) -> None:
    transaction.on_commit(lambda: tasks.notify.enqueue(paper.pk, event))


# Who must act ---------------------------------------------------------------------------------

def member_organisations(paper: Paper) -> QuerySet[Organisation]:
    """The member organisations expected to record a position (`members.consensus`)."""
    return consensus.member_organisations(paper)


def speaks_for(paper: Paper, person_id: int | None) -> list[Organisation]:
    return consensus.speaks_for(paper, person_id)


def people_to_tell(paper: Paper, organisations=None, editors: bool = False) -> QuerySet[Person]:
    return consensus.people_to_tell(paper, organisations, editors)


def outstanding_organisations(paper: Paper) -> list[Organisation]:
    """Member organisations that have not recorded a position in the current review round."""
    done = paper.positions.filter(review_round=paper.review_round).values("organisation_id")
    return list(member_organisations(paper).exclude(pk__in=done))


def unresolved_positions(paper: Paper) -> list[Position]:
    return list(paper.positions.filter(review_round=paper.review_round,
                                       stance__in=Position.UNRESOLVED)
                .select_related("organisation"))


# Drafting -------------------------------------------------------------------------------------

@transaction.atomic
def create_paper(paper: Paper, by, reason: str = "") -> Paper:
    paper.status = Status.DRAFT
    paper.created_by = by
    with_reason(paper, DRAFTED).save()
    PaperTransition.objects.create(paper=paper, to_status=Status.DRAFT, by=by, reason=reason)
    return paper


@transaction.atomic
def save_paper(paper: Paper, expected_version: int | None, options=None) -> Paper:
    """Save an edit of the text (refused with a conflict if someone saved in between), with its
    options formset when given."""
    if paper.pk and not Paper.objects.filter(pk=paper.pk, status__in=Paper.EDITABLE).exists():
        raise StepRefused(gettext_noop("The paper was cleared: its text can no longer change."))
    save_versioned(paper, expected_version)
    if options is not None:
        options.instance = paper
        options.save()
    return paper


@transaction.atomic
def add_file(paper: Paper, upload, title: str, file_type: str, by,
             replaces: PaperFile | None = None) -> PaperFile:
    """Store an uploaded file (already checked by content); a replacement becomes the file's next
    version and the earlier one stays readable."""

    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    record = PaperFile(paper=paper, title=title or (replaces.title if replaces else upload.name),
                       original_name=upload.name[:200], file_type=file_type, size=upload.size,
                       sha256=digest.hexdigest(), uploaded_by=by)
    if replaces is not None:
        first = replaces.first or replaces
        record.first = first
        record.number = (PaperFile.objects.filter(Q(pk=first.pk) | Q(first=first))
                         .order_by("-number").values_list("number", flat=True).first() or 0) + 1
        PaperFile.objects.filter(Q(pk=first.pk) | Q(first=first), replaced_at__isnull=True) \
            .update(replaced_at=timezone.now())
    record.file.save(upload.name, upload, save=False)
    with record.file.open("rb") as stored:
        record.text = extract_text(stored, file_type)
    record.save()
    with_reason(paper, FILE_ADDED)
    paper.save(update_fields=["updated_at"])
    reindex(paper)
    return record


@transaction.atomic
def archive_file(record: PaperFile) -> None:
    record.archived_at = timezone.now()
    record.save(update_fields=["archived_at", "updated_at"])
    reindex(record.paper)


def reindex(paper: Paper) -> None:
    """Its files changed (or its status did): what search finds of the paper changes too."""
    transaction.on_commit(lambda: searchable.changed([paper]))


def searchable_text(paper: Paper) -> str:
    """What search finds in a paper besides its title: summary, text, options and the text of its
    current files."""

    parts = [paper.summary_en, paper.summary_fr, markdown_text(paper.body_en),
             markdown_text(paper.body_fr)]
    for option in paper.options.all():
        parts += [option.title_en, option.title_fr, markdown_text(option.text_en),
                  markdown_text(option.text_fr)]
    parts += PaperFile.objects.filter(paper=paper, replaced_at__isnull=True,
                                      archived_at__isnull=True).values_list("text", flat=True)
    return "\n".join(part for part in parts if part)


# Review and consensus (R4) --------------------------------------------------------------------

@_locked_step
def open_review(paper: Paper, by, until: datetime.date, reason: str = "") -> Paper:
    """The secretariat opens member review: member organisations are asked for their position
    and everyone who may see the paper may comment until `until`."""
    if until < timezone.localdate():
        raise StepRefused(gettext_noop("The end of the review period is in the past."))
    _move(paper, Status.REVIEW, by, reason)
    paper.review_round += 1
    paper.review_until = until
    paper.consensus_record = ""
    _save_step(paper, REVIEW_OPENED)
    _notify(paper, "review_opened")
    _remind_when_review_closes(paper)
    return paper


def _remind_when_review_closes(paper: Paper) -> None:
    """The morning after the period ends, tell the chair and secretariat (if still in review)."""
    closes = datetime.datetime.combine(paper.review_until + datetime.timedelta(days=1),
                                       datetime.time(6), timezone.get_current_timezone())
    review_round = paper.review_round
    transaction.on_commit(lambda: tasks.notify.using(run_after=closes).enqueue(
        paper.pk, "review_closed", review_round))


@transaction.atomic
def add_comment(paper: Paper, person: Person, organisation: Organisation | None, text: str,
                section: str = "") -> ReviewComment:
    if not paper.review_open:
        raise StepRefused(gettext_noop("Comments are closed: the paper is not in member review."))
    return ReviewComment.objects.create(paper=paper, review_round=paper.review_round,
                                        person=person, organisation=organisation,
                                        section=section.strip(), text=text.strip())


@transaction.atomic
def record_position(paper: Paper, organisation: Organisation, stance: str, note: str,
                    person: Person | None) -> Position:
    """A member organisation's position in this review round; recording again replaces it (the
    history keeps the earlier one)."""
    if not paper.review_open:
        raise StepRefused(gettext_noop("Positions are closed: the paper is not in member review."))
    if stance in Position.UNRESOLVED and not note.strip():
        raise StepRefused(gettext_noop("Say what the concern or objection is, so that the group "
                                       "can resolve it."))
    position = consensus.save_position(Position, organisation, stance, note, person,
                                       paper=paper, review_round=paper.review_round)
    if not outstanding_organisations(paper):
        _notify(paper, "positions_complete")
    return position


@_locked_step
def clear_paper(paper: Paper, by, consensus_record: str = "") -> Paper:
    """The chair records the group's consensus (R4). With no concern or objection outstanding it
    is enough to say so; otherwise the chair's record of how each was resolved is required."""
    unresolved = unresolved_positions(paper)
    if unresolved and not consensus_record.strip():
        raise StepRefused(gettext_noop("Concerns or objections were recorded: write how they "
                                       "were resolved before clearing the paper."))
    paper.consensus_record = consensus_record.strip()
    _move(paper, Status.CLEARED, by, consensus_record.strip())
    _save_step(paper, gettext_noop("Cleared by the group"))
    _notify(paper, "cleared")
    return paper


@_locked_step
def return_to_draft(paper: Paper, by, reason: str) -> Paper:
    """Back to the authors (from review, or after clearance, for changes)."""
    _move(paper, Status.DRAFT, by, reason)
    _save_step(paper, gettext_noop("Returned to draft"))
    _notify(paper, "returned")
    return paper


# Submission, outcome, publication -------------------------------------------------------------

@_locked_step
def submit_paper(paper: Paper, body: Body, on: datetime.date, by, reason: str = "") -> Paper:
    paper.submitted_to = body
    paper.submitted_on = on
    paper.outcome, paper.outcome_note, paper.outcome_on = "", "", None
    _move(paper, Status.SUBMITTED, by, reason or str(body))
    _save_step(paper, gettext_noop("Submitted"))
    _notify(paper, "submitted")
    return paper


@_locked_step
def record_outcome(paper: Paper, outcome: str, note: str, on: datetime.date, by) -> Paper:
    """What the body decided. Returned with comments sends the paper back to its authors."""
    paper.outcome, paper.outcome_note, paper.outcome_on = outcome, note.strip(), on
    _move(paper, Status.DECIDED, by, note.strip())
    _save_step(paper, gettext_noop("Outcome recorded"))
    if outcome == Paper.Outcome.RETURNED:
        _move(paper, Status.DRAFT, by, note.strip())
        _save_step(paper, gettext_noop("Returned to draft"))
        _notify(paper, "returned")
    else:
        _notify(paper, "outcome")
    return paper


def publish_refusal(paper: Paper) -> str | None:
    """Why the paper cannot be published now (None: it can)."""
    if paper.level != Paper.Level.PUBLIC:
        return gettext_noop("Only a public paper is published: change its level to public first.")
    if paper.status == Status.DECIDED and paper.outcome not in (Paper.Outcome.ENDORSED,
                                                                 Paper.Outcome.NOTED):
        return gettext_noop("A paper is published once it has been endorsed or noted.")
    if Status.PUBLISHED not in ALLOWED[paper.status]:
        return gettext_noop("A paper is published once the group has cleared it.")
    return None


@_locked_step
def publish_paper(paper: Paper, by) -> Paper:
    if refusal := publish_refusal(paper):
        raise StepRefused(refusal)
    _move(paper, Status.PUBLISHED, by)
    paper.published_at = timezone.now()
    _save_step(paper, gettext_noop("Published"))
    _notify(paper, "published")
    events.paper_published.send(sender=Paper, paper=paper)  # webhooks to partners
    return paper


@_locked_step
def archive_paper(paper: Paper) -> None:
    paper.archived_at = timezone.now()
    _save_step(paper, gettext_noop("Archived"))


@_locked_step
def unarchive_paper(paper: Paper) -> None:
    paper.archived_at = None
    _save_step(paper, gettext_noop("Restored from the archive"))


# Distribution (G4) ----------------------------------------------------------------------------

@transaction.atomic
def send_brief(paper: Paper, lists: list[MissionList], by) -> int:
    """Queue the published brief for every current contact of the lists (once per address);
    the worker sends each email with the PDF and records when it went."""
    if paper.status != Status.PUBLISHED or paper.level != Paper.Level.PUBLIC:
        raise StepRefused(gettext_noop("Only a published public paper can be sent."))
    contacts = (MissionContact.objects.current().filter(mission_list__in=lists)
                .order_by("email", "pk"))
    seen: set[str] = set()
    deliveries = []
    for contact in contacts:
        if contact.email.lower() in seen:
            continue
        seen.add(contact.email.lower())
        deliveries.append(BriefDelivery(paper=paper, contact=contact,
                                        mission_list_id=contact.mission_list_id,
                                        email=contact.email, name=contact.name, by=by))
    BriefDelivery.objects.bulk_create(deliveries)
    transaction.on_commit(lambda: tasks.send_briefs.enqueue(paper.pk))
    return len(deliveries)


def claim_delivery(delivery: BriefDelivery) -> bool:
    """Take the sending of one delivery: True for exactly one caller, however many workers try
    at once (a conditional UPDATE: only a delivery not sent yet is marked sent)."""
    return bool(BriefDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True)
                .update(sent_at=timezone.now()))


def release_delivery(delivery: BriefDelivery) -> None:
    """Give a claimed delivery back when its email could not be sent."""
    BriefDelivery.objects.filter(pk=delivery.pk).update(sent_at=None)
