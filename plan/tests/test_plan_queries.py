"""The work plan's pages and the matrix cost the same number of queries with ten times more
items, partners, areas, countries, objectives and tasks.

The pages are measured for every standing on the starter data, then the plan grows once for the
module (`grown`): its test comes last, as the growth stays until the module's end.
"""

import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from members.models import Country, Objective, Organisation
from papers.models import Tag
from plan.models import PlanItem
from talanoa.tests.module_data import module_transaction, signed_in_clients
from talanoa.tests.queries import count_queries
from tasks.models import Task

pytestmark = pytest.mark.django_db
LEVELS = ("public", "members", "core", "restricted")
STANDINGS = ["anonymous", "member", "secretariat"]


def _grow(group, under: PlanItem, times: int = 10) -> int:
    """`times` times as many items as there are, a third under `under`'s initiative, the rest
    in new initiatives; every many-to-many link and a task per milestone."""
    today = timezone.localdate()
    orgs = list(Organisation.objects.order_by("pk")[:20])
    areas = list(Tag.objects.filter(kind="area"))
    countries = list(Country.objects.filter(is_pict=True))
    objectives = list(Objective.objects.filter(group=group, kind="specific"))
    target = PlanItem.objects.count() * times
    cycle = itertools.count()
    created = 0
    while created < target:
        n = next(cycle)
        level = LEVELS[n % 4]
        lead = orgs[n % len(orgs)]
        if n % 3 == 0:  # every level in turn
            top = under
        else:
            top = PlanItem.objects.create(group=group, kind="initiative", level=level,
                                          title_en=f"Grown initiative {n}", lead_organisation=lead)
            created += 1
        outcome = PlanItem.objects.create(group=group, kind="outcome", parent=top, level=level,
                                          title_en=f"Grown outcome {n}", lead_organisation=lead)
        milestones = PlanItem.objects.bulk_create([
            PlanItem(group=group, kind="milestone", parent=outcome, initiative_id=top.pk,
                     level=level, title_en=f"Grown milestone {n}.{i}",
                     lead_organisation=orgs[(n + i) % len(orgs)],
                     due_on=today + datetime.timedelta(days=(n * 7 + i * 13) % 400 - 100),
                     done_on=today if i == 0 else None)
            for i in range(6)])
        created += 7
        for item in [outcome, *milestones]:
            item.partners.set(orgs[(n + 3) % len(orgs):(n + 3) % len(orgs) + 2])
            item.areas.set(areas[n % len(areas):n % len(areas) + 2])
            item.countries.set(countries[n % len(countries):n % len(countries) + 2])
            item.objectives.set(objectives[n % len(objectives):n % len(objectives) + 2])
            if level == "restricted":
                item.restricted_organisations.set([orgs[n % len(orgs)]])
        Task.objects.bulk_create([
            Task(group=group, plan_item=m, title=f"Grown task {m.pk}",
                 owner_organisation=orgs[(n + 5) % len(orgs)]) for m in milestones])
    return created


URLS = ["/work/", "/work/?objective=S6", "/work/?status=late", "/work/?area=cybersecurity",
        "/work/?country=FJI&organisation=gov-fji", "/work/matrix/", "/work/matrix/?country=FJI",
        "/work/matrix.csv", "/work/matrix.csv?country=FJI"]


def test_synthetic_data_for_benchmarks_fills_the_matrix(client_for, group):
    from plan.synthetic import grow_plan

    before = Task.objects.count()
    added = grow_plan(group, initiatives=3, outcomes=2, milestones=3, tasks=200)
    assert added == {"items": 3 + 3 * 2 * (1 + 3), "tasks": 200}
    assert Task.objects.count() == before + 200
    synthetic = Task.objects.filter(title__startswith="Synthetic task").exclude(status="dropped")
    from members.models import User
    from plan.matrix import build_matrix
    from talanoa.access import build_viewer

    # Every row (the page shows a slice of them; the CSV and this, all).
    matrix = build_matrix(build_viewer(User.objects.get(email="chair@demo.talanoa.test")))
    counted = sum(cell.tasks for row in matrix.rows for _area, cell in row.cells)
    demo = Task.objects.filter(plan_item__isnull=False).exclude(
        title__startswith="Synthetic").exclude(status="dropped")
    # each synthetic milestone has two ICT areas: a task counts once in each
    assert counted == 2 * synthetic.count() + sum(t.plan_item.areas.count() for t in demo)


# --- On the grown plan: last in the module (see its docstring) ------------------------------


@dataclass
class Grown:
    clients: dict[str, Client]
    initiative: PlanItem  # the initiative a third of the new items are under
    urls: list[str]  # the pages measured: URLS and two items' pages
    before: dict[str, dict[str, int]]  # each standing's queries per page, on the starter data
    added: int  # the items _grow added


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker) -> Iterator[Grown]:
    """Every standing's pages measured, then the plan grown once for the module (in a
    transaction rolled back at its end): growing costs seconds, once per standing it added up."""
    from conftest import DEMO
    from members.models import User, WorkingGroup

    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            people = {s: User.objects.get(email=e) for s, e in DEMO.items()}
            clients = signed_in_clients(STANDINGS, people)
            group = WorkingGroup.objects.get(slug="ict")
            # The Regional ICT Initiative 2015 (starter data), as the `initiative` fixture of
            # talanoa/tests/programme_fixtures.py: a function-scoped fixture cannot serve a
            # module-scoped one.
            initiative = PlanItem.objects.get(
                kind="initiative", title_en="Regional ICT Initiative (Forum Leaders, 2015)")
            urls = [*URLS, initiative.get_absolute_url(),
                    PlanItem.objects.get(title_en="Trusted and secure cyberspace")
                    .get_absolute_url()]
            before = {standing: {url: count_queries(clients[standing], url) for url in urls}
                      for standing in STANDINGS}
            added = _grow(group, initiative)
        yield Grown(clients, initiative, urls, before, added)


@pytest.mark.parametrize("standing", STANDINGS)
def test_the_pages_cost_the_same_with_ten_times_more_items(grown, standing):
    client = grown.clients[standing]
    assert grown.added >= 9 * (PlanItem.objects.count() - grown.added)
    after = {url: count_queries(client, url) for url in grown.urls}
    assert after == grown.before[standing]
    # and the item page has grown: it shows the new parts it may see
    below = client.get(grown.initiative.get_absolute_url()).context["below"]
    assert sum(n.item.title_en.startswith("Grown") for n in below) > 20
