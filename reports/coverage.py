"""The ToR coverage heat map: objectives × quarters, coloured by recorded activity.

A cell counts, for one objective and one quarter of a year, the records of the objective's
measures (`reports.measures`, activity only) and the tasks about its work plan items done then,
**as far as the reader may see them**: every figure goes through the access policy, so a count
never reveals a record the reader could not open. Costs: one query per measure for the whole
table (conditional counts per quarter), one for the tasks, a few for the objectives; the same
again per measure for a cell's page. Nothing here writes: a group without ObjectiveMeasure rows
is shown with the default measures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from members.models import Objective
from reports.annual import report_objectives
from reports.measures import (
    MEASURES,
    Measure,
    as_local_date,
    default_measures_for,
    period_bounds,
    tasks_done,
)
from reports.models import ObjectiveMeasure
from talanoa.access import Viewer, visible_tasks
from talanoa.lib.bilingual import Localized, reader_language
from tasks.models import Task

QUARTERS = (1, 2, 3, 4)
# Upper bounds of the colour classes after "none" (0): 1–2, 3–5, 6–9, 10 and more.
CLASS_BOUNDS = (2, 5, 9)
CELL_LIMIT = 200


def quarter_span(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    last = (datetime.date(year + 1, 1, 1) if quarter == 4
            else datetime.date(year, 3 * quarter + 1, 1)) - datetime.timedelta(days=1)
    return first, last


def heat_class(count: int) -> str:
    """The CSS class of a count: "cov-none" for 0, then cov-1 … cov-4."""
    if count == 0:
        return "cov-none"
    for index, bound in enumerate(CLASS_BOUNDS, start=1):
        if count <= bound:
            return f"cov-{index}"
    return f"cov-{len(CLASS_BOUNDS) + 1}"


def measure_keys(group, objectives: list[Objective]) -> dict[int, list[str]]:
    """Objective id → its measures: the stored rows, else the defaults (without storing them)."""
    keys: dict[int, list[str]] = {}
    for row in ObjectiveMeasure.objects.filter(objective__group=group).order_by("order", "pk"):
        keys.setdefault(row.objective_id, []).append(row.measure)
    if keys:
        return keys
    defaults = default_measures_for(group)
    return {o.pk: list(defaults.get(o.code, [])) for o in objectives}


def _activity_measures(keys: list[str]) -> list[Measure]:
    return [MEASURES[k] for k in keys if k in MEASURES and MEASURES[k].activity]


def _quarter_filter(queryset: QuerySet, year: int, quarter: int) -> Q:
    """Records whose `on` falls in the quarter (`on` is a date or a datetime)."""
    first, last = quarter_span(year, quarter)
    if queryset.query.annotations["on"].output_field.get_internal_type() == "DateTimeField":
        since, until = period_bounds(first, last)
        return Q(on__gte=since, on__lt=until)
    return Q(on__gte=first, on__lte=last)


def _per_quarter(queryset: QuerySet, year: int) -> dict[int, int]:
    """Counts per quarter in one query."""
    counts = queryset.order_by().aggregate(**{
        f"q{q}": Count("pk", distinct=True, filter=_quarter_filter(queryset, year, q))
        for q in QUARTERS})
    return {q: counts[f"q{q}"] for q in QUARTERS}


def plan_tasks(group) -> QuerySet:
    """Tasks about a work plan item of the group that serves some objective."""

    return Task.objects.filter(plan_item__group=group, plan_item__objectives__isnull=False)


@dataclass
class Cell:
    quarter: int
    count: int
    css: str
    url: str


@dataclass
class Row:
    objective: Objective
    cells: list[Cell] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(c.count for c in self.cells)


def coverage(group, year: int, viewer: Viewer) -> list[Row]:
    objectives = list(report_objectives(group))
    keys = measure_keys(group, objectives)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    per_measure: dict[str, dict[int, int]] = {}
    for key in {k for o in objectives for k in keys.get(o.pk, [])}:
        measure = MEASURES.get(key)
        if measure is not None and measure.activity:
            queryset = measure.for_viewer(measure.queryset(group, start, end), viewer)
            per_measure[key] = _per_quarter(queryset, year)
    tasks = _tasks_per_objective(group, year, viewer)
    rows = []
    for objective in objectives:
        row = Row(objective)
        for q in QUARTERS:
            count = sum(per_measure.get(k, {}).get(q, 0) for k in keys.get(objective.pk, []))
            count += tasks.get((objective.pk, q), 0)
            row.cells.append(Cell(q, count, heat_class(count), reverse(
                "reports:coverage_cell", args=[group.slug, year, objective.code, q])))
        rows.append(row)
    return rows


def _tasks_per_objective(group, year: int, viewer: Viewer) -> dict[tuple[int, int], int]:
    """(objective id, quarter) → tasks about its plan items done then, that the viewer sees:
    one query (one row per objective and task)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    done = tasks_done(visible_tasks(plan_tasks(group), viewer), start, end)
    counts: dict[tuple[int, int], int] = {}
    bounds = [quarter_span(year, q) for q in QUARTERS]
    for objective_id, on in done.values_list("plan_item__objectives", "on").distinct():
        day = as_local_date(on)
        quarter = next(q for q, (first, last) in zip(QUARTERS, bounds, strict=True)
                       if first <= day <= last)
        counts[(objective_id, quarter)] = counts.get((objective_id, quarter), 0) + 1
    return counts


# --- One cell: the records behind the count ----------------------------------------------------

@dataclass
class Entry:
    title: Localized
    kind: str
    on: datetime.date
    url: str


@dataclass
class Group:
    label: str
    count: int
    entries: list[Entry]

    @property
    def more(self) -> int:
        return self.count - len(self.entries)


def _entries(measure: Measure, queryset: QuerySet, language: str) -> list[Entry]:
    kind = capfirst(queryset.model._meta.verbose_name)
    if measure.related:
        queryset = queryset.select_related(*measure.related)
    rows = queryset.order_by("on", "pk")[:CELL_LIMIT]
    entries = []
    for obj in rows:
        described = measure.describe(obj)
        other = "fr" if language == "en" else "en"
        title = (Localized(described[f"title_{language}"], language, False)
                 if described[f"title_{language}"]
                 else Localized(described[f"title_{other}"], other, True))
        entries.append(Entry(title, str(kind), as_local_date(obj.on), described["url"]))
    return entries


def cell(group, year: int, objective: Objective, quarter: int, viewer: Viewer) -> list[Group]:
    """The records the viewer may see behind one cell, grouped by measure (two queries each)."""
    language = reader_language()
    first, last = quarter_span(year, quarter)
    keys = measure_keys(group, [objective]).get(objective.pk, [])
    groups = []
    for measure in _activity_measures(keys):
        queryset = measure.for_viewer(measure.queryset(group, first, last), viewer)
        groups.append(Group(str(measure.label), queryset.order_by().count(),
                            _entries(measure, queryset, language)))

    about = Task.objects.filter(plan_item__group=group, plan_item__objectives=objective)
    tasks = tasks_done(visible_tasks(about, viewer), first, last)
    groups.append(Group(_("Tasks about its work plan items done"), tasks.order_by().count(),
                        _entries(MEASURES["tasks_done"], tasks, language)))
    return groups


def legend() -> list[tuple[str, str]]:
    """(CSS class, the counts it stands for), for the key under the table."""
    ranges, low = [("cov-none", "0")], 1
    for index, bound in enumerate(CLASS_BOUNDS, start=1):
        ranges.append((f"cov-{index}", f"{low}–{bound}" if bound > low else str(low)))
        low = bound + 1
    ranges.append((f"cov-{len(CLASS_BOUNDS) + 1}", f"{low}+"))
    return ranges
