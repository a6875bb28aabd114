"""Named lists of tasks, each through the access policy (talanoa.access.visible_tasks): a
person's own tasks, their organisations' tasks and the group's register. Each list is one
query, whatever the number of tasks.

- "My tasks": tasks the person owns, and their organisations' tasks that name no person (a
  representative picks those up).
- "My organisation's tasks": every task owned by an organisation the person currently
  represents, whoever in it owns it.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from talanoa.access import Viewer, visible_tasks
from tasks.models import Task

# The member home shows this many of a person's open tasks and links to the rest.
MY_TASKS_ON_HOME = 20
# "My tasks" and "my organisation's tasks" show this many open tasks (then say there are more).
OPEN_TASKS_SHOWN = 50
# … and this many of the latest done or dropped.
CLOSED_TASKS_SHOWN = 20

OVERDUE_FIRST = (F("due_on").asc(nulls_last=True), "pk")


def with_links(queryset: QuerySet) -> QuerySet:
    """Join what a task line shows: its owner and the item it is about (constant queries)."""
    return queryset.select_related("owner_organisation", "owner_person", *Task.LINKS)


def first_rows(queryset: QuerySet, limit: int) -> list:
    """The first `limit` tasks of `queryset`, in its order, with what their lines show.

    Two queries: the ids, sorted on the task table alone, then those rows with their joins.
    As one query the database joins every matching task to its owner and linked item before
    sorting and keeping the first few: with fifty thousand tasks, nine tenths of the
    register's time (also as a subquery: PostgreSQL then merges the whole join)."""
    ids = list(queryset.values_list("pk", flat=True)[:limit])
    # No task has id 0: with no ids the second query still runs, so a page makes as many
    # queries whatever the data.
    rows = queryset.order_by().filter(pk__in=ids or [0]).in_bulk()
    return [rows[pk] for pk in ids if pk in rows]


def tasks_of(viewer: Viewer) -> QuerySet:
    """The viewer's own tasks (see the module's docstring) that they may see."""
    mine = Q()
    if viewer.person_id is not None:
        mine |= Q(owner_person_id=viewer.person_id)
    if viewer.org_ids:
        mine |= Q(owner_organisation_id__in=viewer.org_ids, owner_person__isnull=True)
    if not mine:
        return Task.objects.none()
    return with_links(visible_tasks(Task.objects.filter(mine), viewer))


def open_tasks_of(viewer: Viewer) -> QuerySet:
    """Open and in-progress tasks, overdue first (the earliest due), undated last."""
    return tasks_of(viewer).filter(status__in=Task.OPEN_STATUSES).order_by(*OVERDUE_FIRST)


def organisation_tasks(viewer: Viewer) -> QuerySet:
    """Tasks owned by the organisations the viewer represents, that they may see."""
    if not viewer.org_ids:
        return Task.objects.none()
    return with_links(visible_tasks(
        Task.objects.filter(owner_organisation_id__in=viewer.org_ids), viewer))


def register(viewer: Viewer) -> QuerySet:
    """Every task the viewer may see, overdue first, then by due date, undated last; each
    annotated with `late` (0 for an overdue task, else 1), the first key of the order."""
    today = timezone.localdate()
    return (with_links(visible_tasks(Task.objects.all(), viewer))
            .annotate(late=Case(When(status__in=Task.OPEN_STATUSES, due_on__lt=today,
                                     then=Value(0)),
                                default=Value(1), output_field=IntegerField()))
            .order_by("late", *OVERDUE_FIRST))


def filtered(queryset: QuerySet, filters: dict) -> QuerySet:
    """The register's filters (TaskFilterForm.filters())."""
    status = filters.get("status")
    if status == "open_any":
        queryset = queryset.filter(status__in=Task.OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if filters.get("owner"):
        queryset = queryset.filter(owner_organisation=filters["owner"])
    if filters.get("overdue"):
        queryset = queryset.filter(status__in=Task.OPEN_STATUSES,
                                   due_on__lt=timezone.localdate())
    about = filters.get("about")
    if about == "none":
        queryset = queryset.filter(**{f"{name}__isnull": True for name in Task.LINKS})
    elif about in Task.LINKS:
        queryset = queryset.filter(**{f"{about}__isnull": False})
    return queryset


# The register pages forward by a cursor on its order (late, due date or none, id): each page
# reads its own rows, at any depth, with no count.
def encode_cursor(task: Task) -> str:
    due = task.due_on.isoformat() if task.due_on else "-"
    return f"{task.late}.{due}.{task.pk}"


def decode_cursor(value: str | None) -> tuple[int, datetime.date | None, int] | None:
    try:
        late, due, pk = (value or "").split(".")
        return (int(late), None if due == "-" else datetime.date.fromisoformat(due), int(pk))
    except ValueError:
        return None


def after_cursor(queryset: QuerySet, cursor: tuple[int, datetime.date | None, int]) -> QuerySet:
    late, due, pk = cursor
    if due is None:
        return queryset.filter(Q(late__gt=late) | Q(late=late, due_on__isnull=True, pk__gt=pk))
    return queryset.filter(Q(late__gt=late) | Q(late=late, due_on__gt=due)
                           | Q(late=late, due_on=due, pk__gt=pk)
                           | Q(late=late, due_on__isnull=True))


# A page of the register within the 14 KB of a first view (BUDGETS.md): 50 rows were 16 KB.
REGISTER_PAGE = 30


def register_page(queryset: QuerySet, after: str | None,
                  size: int = REGISTER_PAGE) -> tuple[list, str | None]:
    """One page of the register after the cursor, and the cursor of the next (or None)."""
    cursor = decode_cursor(after)
    if cursor is not None:
        queryset = after_cursor(queryset, cursor)
    rows = first_rows(queryset, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    return rows, encode_cursor(rows[-1]) if more and rows else None
