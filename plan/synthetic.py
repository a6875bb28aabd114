"""Synthetic work plan data for benchmarks and query-count tests: many initiatives, outcomes and
milestones at every level, linked to organisations, areas, countries and objectives, and tasks
about them. Bulk inserts only (the history is not written): a benchmark's data, not a record."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from members.models import Country, Objective, Organisation
from papers.models import Tag
from tasks.models import Task


@transaction.atomic
def grow_plan(group, initiatives: int = 10, outcomes: int = 5, milestones: int = 6,
              tasks: int = 0, seed: int = 1, under=None) -> dict[str, int]:
    """Add `initiatives` × (1 + `outcomes` × (1 + `milestones`)) items (with `under`, an
    existing initiative, the outcomes go under it instead of new initiatives) and `tasks` tasks
    about the milestones; return how many of each were added."""
    from plan.models import PlanItem

    rng = random.Random(seed)
    today = timezone.localdate()
    levels = [v for v, _label in PlanItem.Level.choices]
    orgs = list(Organisation.objects.values_list("pk", flat=True))
    areas = list(Tag.objects.filter(kind=Tag.Kind.AREA).values_list("pk", flat=True))
    countries = list(Country.objects.filter(is_pict=True).values_list("pk", flat=True))
    objectives = list(Objective.objects.filter(group=group).exclude(kind="governance")
                      .values_list("pk", flat=True))
    start = PlanItem.objects.count()

    def make(kind, parent, top, level, title, due=None, done=None):
        return PlanItem(group=group, kind=kind, parent=parent, initiative=top, level=level,
                        title_en=title, lead_organisation_id=rng.choice(orgs), due_on=due,
                        done_on=done)

    tops = []
    for i in range(initiatives):
        if under is not None:
            tops.append(under)
            continue
        top = make("initiative", None, None, rng.choice(levels), f"Synthetic initiative {i}")
        top.save()  # its own root: set by save()
        tops.append(top)
    new_outcomes = PlanItem.objects.bulk_create([
        make("outcome", top, top, max(top.level, rng.choice(levels), key=levels.index),
             f"Synthetic outcome {start}.{i}.{j}")
        for i, top in enumerate(tops) for j in range(outcomes)])
    new_milestones = PlanItem.objects.bulk_create([
        make("milestone", outcome, outcome.initiative, outcome.level,
             f"Synthetic milestone {outcome.pk}.{k}",
             due=today + datetime.timedelta(days=rng.randint(-120, 600)),
             done=today if rng.random() < 0.3 else None)
        for outcome in new_outcomes for k in range(milestones)])
    items = [*([] if under is not None else tops), *new_outcomes, *new_milestones]
    links = {"partners": [], "areas": [], "countries": [], "objectives": [],
             "restricted_organisations": []}
    for item in items:
        for name, pool, n in (("partners", orgs, 2), ("areas", areas, 2),
                              ("countries", countries, 2), ("objectives", objectives, 2)):
            through = getattr(PlanItem, name).through
            target = through._meta.get_field(
                {"partners": "organisation", "areas": "tag", "countries": "country",
                 "objectives": "objective"}[name]).attname
            links[name] += [through(planitem_id=item.pk, **{target: pk})
                            for pk in rng.sample(pool, min(n, len(pool)))]
        if item.level == "restricted":
            through = PlanItem.restricted_organisations.through
            links["restricted_organisations"].append(
                through(planitem_id=item.pk, organisation_id=rng.choice(orgs)))
    for name, rows in links.items():
        getattr(PlanItem, name).through.objects.bulk_create(rows, ignore_conflicts=True)
    Task.objects.bulk_create([
        Task(group=group, plan_item=rng.choice(new_milestones), title=f"Synthetic task {i}",
             owner_organisation_id=rng.choice(orgs),
             status=rng.choice([s for s, _label in Task.Status.choices]),
             due_on=today + datetime.timedelta(days=rng.randint(-60, 200)))
        for i in range(tasks)] if new_milestones else [], batch_size=2000)
    return {"items": len(items), "tasks": tasks if new_milestones else 0}
