"""Named state changes of the work programme; views validate, then call these."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from talanoa.lib.editing import save_versioned
from talanoa.lib.reasons import with_reason

PLAN_ADDED = gettext_noop("Added to the work plan")
PLAN_DONE = gettext_noop("Marked done")
PLAN_REOPENED = gettext_noop("Reopened")


class PlanStepRefused(Exception):
    """The step is not possible now; the message says why, for the person."""


def plan_parent_problem(kind: str, parent) -> str | None:
    """Why `parent` cannot hold an item of `kind` (in English, to translate), or None."""
    from plan.models import PlanItem

    if kind == PlanItem.Kind.INITIATIVE:
        return gettext_noop("An initiative is not part of another item.") if parent else None
    if parent is None:
        return gettext_noop("Say which initiative, outcome or activity this is part of.")
    if PlanItem.RANK[parent.kind] >= PlanItem.RANK[kind]:
        return gettext_noop("An initiative holds outcomes, an outcome activities, an activity "
                            "milestones: this item cannot be part of that one.")
    return None


@transaction.atomic
def create_plan_item(item, by):
    """Add an item (unsaved, its parent set) to the work plan."""
    from plan.models import PlanItem

    if problem := plan_parent_problem(item.kind, item.parent):
        raise PlanStepRefused(problem)
    item.created_by = by
    if item.parent_id and item.order == 0:
        item.order = PlanItem.objects.filter(parent_id=item.parent_id).count()
    with_reason(item, PLAN_ADDED).save()
    return item


@transaction.atomic
def save_plan_item(item, expected_version: int | None):
    """Save an edit (a conflict if someone saved in between); a move to another initiative
    moves everything below the item with it."""
    from plan.models import PlanItem

    if problem := plan_parent_problem(item.kind, item.parent):
        raise PlanStepRefused(problem)
    subtree = _subtree(item)  # as stored: in the initiative it is leaving, if it moves
    if item.parent_id and item.parent_id in {d.pk for d in subtree}:
        raise PlanStepRefused(gettext_noop("An item cannot be part of an item below it."))
    parts = PlanItem.objects.filter(parent_id=item.pk).values_list("kind", flat=True)
    if any(PlanItem.RANK[kind] <= PlanItem.RANK[item.kind] for kind in parts):
        raise PlanStepRefused(gettext_noop("Its parts must stay of a later kind than it: move "
                                           "them first."))
    before = PlanItem.objects.filter(pk=item.pk).values_list("initiative_id", flat=True).first()
    save_versioned(item, expected_version)
    if item.initiative_id != before:
        below = [d.pk for d in subtree if d.pk != item.pk]
        PlanItem.objects.filter(pk__in=below).update(initiative_id=item.initiative_id)
    return item


def _subtree(item) -> list:
    """The item and every item below it (one query: the items of its initiative)."""
    from plan.models import PlanItem

    items = list(PlanItem.objects.filter(initiative_id=item.initiative_id)
                 .only("pk", "parent_id")) if item.initiative_id else []
    children: dict[int | None, list] = {}
    for other in items:
        children.setdefault(other.parent_id, []).append(other)
    found, queue = [item], [item.pk]
    while queue:
        for child in children.get(queue.pop(), []):
            if child.pk != item.pk:
                found.append(child)
                queue.append(child.pk)
    return found


def _save_plan_step(item, reason: str) -> None:
    item.version += 1
    with_reason(item, reason).save()


@transaction.atomic
def complete_milestone(item, on: datetime.date | None = None):
    """Record that the milestone (or an item with no milestone below it) is done."""
    if item.archived_at is not None:
        raise PlanStepRefused(gettext_noop("The item is archived: restore it first."))
    if item.done_on is not None:
        raise PlanStepRefused(gettext_noop("It is already done."))
    item.done_on = on or timezone.localdate()
    _save_plan_step(item, PLAN_DONE)
    return item


@transaction.atomic
def reopen_milestone(item):
    """It was not done after all: its health follows its due date again."""
    if item.done_on is None:
        raise PlanStepRefused(gettext_noop("It is not done."))
    item.done_on = None
    _save_plan_step(item, PLAN_REOPENED)
    return item


@transaction.atomic
def archive_plan_item(item) -> list:
    """Archive the item and every live item below it, together (restored together)."""
    when = timezone.now()
    done = []
    for each in _subtree(item):
        each = type(item).objects.get(pk=each.pk)
        if each.archived_at is None:
            each.archived_at = when
            _save_plan_step(each, gettext_noop("Archived"))
            done.append(each)
    return done


@transaction.atomic
def restore_plan_item(item) -> list:
    """Restore the item and what was archived with it (not what was archived before)."""
    when = item.archived_at
    done = []
    for each in _subtree(item):
        each = type(item).objects.get(pk=each.pk)
        if each.archived_at is not None and each.archived_at == when:
            each.archived_at = None
            _save_plan_step(each, gettext_noop("Restored from the archive"))
            done.append(each)
    return done
