"""Named state changes of the work programme; views validate, then call these."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext_noop


class TaskRefused(Exception):
    """A task change that is not allowed (its message is English, marked for translation)."""


def link_name_for(item) -> str:
    """The Task link that holds this item ("meeting", "paper"…), or TaskRefused."""
    from tasks.models import Task

    for name in Task.LINKS:
        if isinstance(item, Task._meta.get_field(name).related_model):
            return name
    raise TaskRefused(gettext_noop("A task cannot be about this kind of item."))


@transaction.atomic
def create_task(title: str, owner_organisation, by, *, about=None, group=None,
                owner_person=None, due_on: datetime.date | None = None,
                description: str = ""):
    """A task of a group, owned by an organisation (and a person in it), about one item (a
    meeting, decision, paper, proposal: see Task.LINKS) or none; its group is the item's."""
    from tasks.models import Task, TaskTransition

    fields = {}
    if about is not None:
        if getattr(about, "archived_at", None) is not None:
            raise TaskRefused(gettext_noop("The item is archived: restore it first."))
        fields[link_name_for(about)] = about
        group = about.group
    if group is None:
        raise TaskRefused(gettext_noop("Say which group the task is for."))
    task = Task.objects.create(
        group=group, title=title.strip(), description=description.strip(),
        owner_organisation=owner_organisation, owner_person=owner_person, due_on=due_on,
        **fields)
    TaskTransition.objects.create(task=task, to_status=task.status, by=by)
    return task


@transaction.atomic
def set_task_status(task, status: str, by, reason: str = ""):
    """Move a task to a new status (open, in progress, done, dropped), with the reason; each
    change is a TaskTransition."""
    from tasks.models import Task, TaskTransition

    if status not in Task.Status.values:
        raise TaskRefused(f"unknown status {status!r}")
    task = Task.objects.select_for_update().get(pk=task.pk)
    if status == task.status:
        raise TaskRefused(f"the task is already {status}")
    TaskTransition.objects.create(task=task, from_status=task.status, to_status=status, by=by,
                                  reason=reason.strip())
    task.status = status
    task.save(update_fields=["status"])
    return task
