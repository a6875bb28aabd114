"""Named state changes of the decision register (G2): decisions registered, edited, moved through
their implementation statuses, followed up with tasks, positions recorded; sittings kept."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from decisions.models import (
    Decision,
    DecisionPosition,
    DecisionTransition,
    Proposal,
    Sitting,
)
from members import consensus
from members.models import Organisation
from talanoa import searchable
from talanoa.lib.editing import save_versioned
from talanoa.lib.markup import markdown_text
from talanoa.lib.reasons import with_reason
from tasks.operations import TaskRefused, create_task

REGISTERED = gettext_noop("Registered")

# --- The decision register (G2) ---------------------------------------------------------------

STATUS_CHANGED = gettext_noop("Implementation status changed")
FOLLOW_UP_ADDED = gettext_noop("Follow-up action added")


class InvalidTransition(Exception):
    pass


class StepRefused(Exception):
    """The step is allowed in principle but not now; the message says why, for the person."""


@transaction.atomic
def create_decision(decision: Decision, by, reason: str = "") -> Decision:
    """Enter a decision in the register (unsaved `decision`, its sitting set); its first
    implementation status is recorded as the first transition."""
    decision.created_by = by
    with_reason(decision, REGISTERED).save()
    DecisionTransition.objects.create(decision=decision, to_status=decision.status, by=by,
                                      reason=reason)
    return decision


@transaction.atomic
def save_decision(decision: Decision, expected_version: int | None, options=None) -> Decision:
    """Save an edit of the decision and its assessment (refused with a conflict if someone saved
    in between), with its options formset when given."""
    save_versioned(decision, expected_version)
    if options is not None:
        options.instance = decision
        options.save()
    reindex(decision)
    return decision


def _save_step(decision: Decision, reason: str) -> None:
    decision.version += 1
    with_reason(decision, reason).save()


@transaction.atomic
def change_status(decision: Decision, status: str, by, reason: str,
                  review_on: datetime.date | None = None) -> Decision:
    """Move the implementation status (not started, in progress, done, stalled), saying why;
    the next review date is set with it (None: no review planned)."""
    if status not in Decision.Status.values or status == decision.status:
        raise InvalidTransition(f"{decision.status} → {status}")
    if not reason.strip():
        raise StepRefused(gettext_noop("Say why the status changes."))
    DecisionTransition.objects.create(decision=decision, from_status=decision.status,
                                      to_status=status, by=by, reason=reason.strip())
    decision.status = status
    decision.review_on = review_on
    _save_step(decision, STATUS_CHANGED)
    return decision


@transaction.atomic
def set_review(decision: Decision, review_on: datetime.date | None) -> Decision:
    """Plan the next review without changing the status (a review that found nothing new)."""
    decision.review_on = review_on
    _save_step(decision, gettext_noop("Next review planned"))
    return decision


@transaction.atomic
def archive_decision(decision: Decision) -> None:
    decision.archived_at = timezone.now()
    _save_step(decision, gettext_noop("Archived"))


@transaction.atomic
def restore_decision(decision: Decision) -> None:
    decision.archived_at = None
    _save_step(decision, gettext_noop("Restored from the archive"))


def add_follow_up(decision: Decision, title: str, owner_organisation, by, *,
                  owner_person=None, due_on: datetime.date | None = None,
                  description: str = ""):
    """A follow-up action of the decision: a task about it (tasks.operations), which reaches
    its owner's tasks like an action agreed at a meeting."""

    if decision.archived_at is not None:
        raise StepRefused(gettext_noop("The decision is archived: restore it first."))
    try:
        return create_task(title, owner_organisation, by, about=decision,
                           owner_person=owner_person, due_on=due_on, description=description)
    except TaskRefused as exc:
        raise StepRefused(str(exc)) from exc


def speaks_for(item: Decision | Proposal, person_id: int | None) -> list[Organisation]:
    """The member organisations this person may take a position (or score) for."""
    return consensus.speaks_for(item, person_id)


@transaction.atomic
def record_position(decision: Decision, organisation, stance: str, note: str,
                    person) -> DecisionPosition:
    """A member organisation's position on the group's assessment and advice; recording again
    replaces it (the history keeps the earlier one)."""
    if decision.archived_at is not None:
        raise StepRefused(gettext_noop("The decision is archived: restore it first."))
    if stance in DecisionPosition.UNRESOLVED and not note.strip():
        raise StepRefused(gettext_noop("Say what the concern or objection is, so that the group "
                                       "can resolve it."))
    return consensus.save_position(DecisionPosition, organisation, stance, note, person,
                                   decision=decision)


@transaction.atomic
def save_sitting(sitting: Sitting, expected_version: int | None) -> Sitting:
    return save_versioned(sitting, expected_version)


@transaction.atomic
def archive_sitting(sitting: Sitting, archived: bool) -> Sitting:
    sitting.archived_at = timezone.now() if archived else None
    sitting.version += 1
    with_reason(sitting, gettext_noop("Archived") if archived
                else gettext_noop("Restored from the archive")).save()
    return sitting


def reindex(decision: Decision) -> None:
    """Its options changed after the save: what search finds of the decision changes too."""
    transaction.on_commit(lambda: searchable.changed([decision]))


def searchable_text(decision: Decision) -> str:
    """What search finds in a decision besides its title."""

    parts = [decision.reference, decision.text_en, decision.text_fr, decision.ict_reason,
             markdown_text(decision.analysis_en), markdown_text(decision.analysis_fr),
             markdown_text(decision.advice_en), markdown_text(decision.advice_fr)]
    for option in decision.options.all():
        parts += [option.title_en, option.title_fr, markdown_text(option.text_en),
                  markdown_text(option.text_fr)]
    return "\n".join(part for part in parts if part)
