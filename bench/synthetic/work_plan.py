"""The work plan (initiatives down to milestones) and the task register."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from bench.synthetic.sizes import BATCH, Sizes
from bench.synthetic.words import WORDS, random_words
from members.models import Country, Person


def add_tasks(rng: random.Random, sizes: Sizes, groups, orgs, people, fiji,
              representing: Iterable[Person]) -> int:
    """The group's task register over the years: tasks about meetings, papers, decisions or
    nothing, at every status, one in four open ones overdue; the organisations of the people in
    `representing` (Fiji's government for the demo member) own one in fifty and those people
    one in two hundred, so "my tasks" and "my organisation's tasks" grow with the register."""
    from decisions.models import Decision
    from meetings.models import Meeting
    from papers.models import Paper
    from plan.models import PlanItem
    from tasks.models import Task, TaskTransition

    if not sizes.tasks:
        return 0
    today = timezone.localdate()
    now = timezone.now()
    about = {
        "meeting": list(Meeting.objects.values_list("pk", "group_id")[:5000]),
        "paper": list(Paper.objects.values_list("pk", "group_id")[:5000]),
        "decision": list(Decision.objects.values_list("pk", "group_id")[:5000]),
        "plan_item": list(PlanItem.objects.values_list("pk", "group_id")[:5000]),
    }
    kinds = [kind for kind, rows in about.items() if rows] + [None]
    representing = [p for p in representing if p.organisation_id]
    statuses = Task.Status.values
    span = 365 * sizes.years
    tasks = []
    for n in range(sizes.tasks):
        kind = kinds[n % len(kinds)]
        values = {}
        if kind is None:
            group_id = rng.choice(groups).pk
        else:
            pk, group_id = rng.choice(about[kind])
            values[f"{kind}_id"] = pk
        owner = rng.choice(people) if people and n % 3 else None
        owner_org = owner.organisation_id if owner is not None else rng.choice(orgs).pk
        if representing and n % 50 == 0:
            mine = representing[n % len(representing)]
            owner_org, owner = mine.organisation_id, (mine if n % 200 == 0 else None)
        created = now - datetime.timedelta(days=rng.randint(0, span))
        due = created.date() + datetime.timedelta(days=rng.randint(14, 180))
        status = rng.choice(statuses)
        if due < today and rng.random() < 0.75:
            status = rng.choice([Task.Status.DONE, Task.Status.DROPPED])
        tasks.append(Task(group_id=group_id,
                          title=random_words(rng, WORDS, 6).capitalize() + f" ({n})",
                          owner_organisation_id=owner_org, owner_person=owner,
                          due_on=due if n % 10 else None, status=status, created_at=created,
                          **values))
    tasks = Task.objects.bulk_create(tasks, batch_size=BATCH)
    if tasks and tasks[0].pk is not None:
        TaskTransition.objects.bulk_create(
            (TaskTransition(task=t, to_status=t.status, at=t.created_at) for t in tasks),
            batch_size=BATCH)
    return len(tasks)


def add_plan(rng: random.Random, sizes: Sizes, groups, orgs, people) -> int:
    """Initiatives of the work plan, each with outcomes, activities and milestones led by
    organisations with partners, in ICT areas and countries, at every level (mostly public);
    milestones over the years, most of the past ones done, some late."""
    from members.models import Objective
    from papers.models import Tag
    from plan.models import PlanItem

    if not sizes.initiatives:
        return 0
    today = timezone.localdate()
    areas = list(Tag.objects.filter(kind=Tag.Kind.AREA).values_list("pk", flat=True))
    countries = list(Country.objects.values_list("pk", flat=True))
    objectives = list(Objective.objects.values_list("pk", flat=True))
    levels = [PlanItem.Level.PUBLIC] * 6 + [PlanItem.Level.MEMBERS, PlanItem.Level.CORE]
    span = 365 * sizes.years

    def item(kind, parent, n, due):
        return PlanItem(
            group_id=parent.group_id if parent else rng.choice(groups).pk,
            level=parent.level if parent else rng.choice(levels), kind=kind, parent=parent,
            initiative_id=parent.initiative_id if parent else None,
            title_en=f"{random_words(rng, WORDS, 5).capitalize()} ({kind} {n})",
            lead_organisation_id=rng.choice(orgs).pk,
            owner_person=rng.choice(people) if people and rng.random() < 0.5 else None,
            due_on=due, starts_on=due - datetime.timedelta(days=rng.randint(30, 400)),
            done_on=(due if kind == PlanItem.Kind.MILESTONE and due < today
                     and rng.random() < 0.9 else None), order=n % 10)

    created = []
    layer = [item(PlanItem.Kind.INITIATIVE, None, n,
                  today + datetime.timedelta(days=rng.randint(-span, 700)))
             for n in range(sizes.initiatives)]
    layer = PlanItem.objects.bulk_create(layer, batch_size=BATCH)
    PlanItem.objects.filter(pk__in=[i.pk for i in layer]).update(initiative=F("pk"))
    for i in layer:
        i.initiative_id = i.pk
    created += layer
    for kind, per in ((PlanItem.Kind.OUTCOME, 3), (PlanItem.Kind.ACTIVITY, 3),
                      (PlanItem.Kind.MILESTONE, 2)):
        layer = PlanItem.objects.bulk_create(
            [item(kind, parent, n, parent.due_on - datetime.timedelta(days=rng.randint(0, 300)))
             for parent in layer for n in range(per)], batch_size=BATCH)
        created += layer
    links = {"areas": [], "countries": [], "partners": [], "objectives": []}
    for plan_item in created:
        for name, pool, k in (("areas", areas, 2), ("countries", countries, 2),
                              ("partners", [o.pk for o in orgs[:200]], 2),
                              ("objectives", objectives, 1)):
            if plan_item.kind == PlanItem.Kind.MILESTONE and name != "areas":
                continue
            through = getattr(PlanItem, name).through
            target = through._meta.get_field(
                {"areas": "tag", "countries": "country", "partners": "organisation",
                 "objectives": "objective"}[name]).attname
            links[name] += [through(planitem_id=plan_item.pk, **{target: pk})
                            for pk in rng.sample(pool, k=min(k, len(pool)))]
    for name, rows in links.items():
        getattr(PlanItem, name).through.objects.bulk_create(rows, batch_size=BATCH,
                                                              ignore_conflicts=True)
    return len(created)
