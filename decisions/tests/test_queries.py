"""Decision pages cost the same number of queries however many decisions, options, positions,
actions, steps and linked records there are.

Every case is measured on the demo data with its own few records (`grown`), then the records
grow once for the module (each case's long record, more decisions, and
`bench.synthetic.grow`), and each case measures its page again and expects the same count.
Growing once, not once per case, keeps the module fast (talanoa/tests/test_query_counts.py).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from bench.synthetic import TEST_GROWTH, grow
from decisions import operations
from decisions.models import Decision, DecisionOption, DecisionPosition
from decisions.tests.conftest import new_decision
from members.models import Membership, Organisation, Person
from talanoa.tests.module_data import module_transaction, signed_in_clients
from talanoa.tests.queries import count_queries
from tasks.models import Task

pytestmark = pytest.mark.django_db

LIST = "/decisions/"
FILTERED = "/decisions/?body=forum-leaders&status=not_started&ict=yes&year=2025"
LIST_STANDINGS = ["anonymous", "member", "secretariat"]
RECORD_STANDINGS = ["anonymous", "member", "chair", "secretariat"]
HOME_STANDINGS = ["member", "secretariat"]


def _thicken(decision: Decision, people, n: int) -> None:
    """n more options, status changes, follow-up actions, positions and linked papers."""
    from papers.models import Paper

    DecisionOption.objects.bulk_create([
        DecisionOption(decision=decision, order=i, title_en=f"Option {i}", text_en="**Why**")
        for i in range(n)])
    for i in range(n):
        status = Decision.Status.IN_PROGRESS if decision.status != "in_progress" else "stalled"
        operations.change_status(decision, status, people["secretariat"], f"Step {i}")
    owners = list(Person.objects.filter(organisation__isnull=False)[:5])
    for i in range(n):
        operations.add_follow_up(decision, f"Action {i}", owners[i % 5].organisation,
                                 people["secretariat"], owner_person=owners[i % 5],
                                 due_on=timezone.localdate() + datetime.timedelta(days=i - 3))
    members = Organisation.objects.filter(memberships__group=decision.group,
                                          memberships__kind=Membership.Kind.MEMBER)
    done = set(decision.positions.values_list("organisation_id", flat=True))
    DecisionPosition.objects.bulk_create([
        DecisionPosition(decision=decision, organisation=o, stance="concern", note="Why")
        for o in members[:n] if o.pk not in done])
    decision.papers.add(*Paper.objects.order_by("pk")[:n])


def _decision(people, level: str = "public", **fields) -> Decision:
    from members.models import WorkingGroup

    return new_decision(WorkingGroup.objects.get(slug="ict"), people["secretariat"], level,
                        **fields)


@dataclass
class Grown:
    clients: dict[str, Client]
    record: str  # the page of the decision with a long record
    sitting: str  # the page of the sitting that gets many more decisions
    before: dict[tuple[str, str], int]  # (standing, address): queries before the growth
    added: dict[str, int]  # the rows grow() added


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker) -> Iterator[Grown]:
    """Each case's records made and its page measured, then the data grown once for the module
    (in a transaction rolled back at its end): every case's growth, then `grow`."""
    from conftest import DEMO
    from members.models import User

    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            people = {s: User.objects.get(email=e) for s, e in DEMO.items()}
            # What each case had made before its first measurement.
            _decision(people)  # the list's and the feed's
            record = _decision(people, "public")
            _thicken(record, people, 2)
            in_sitting = _decision(people, "public")
            past = timezone.localdate() - datetime.timedelta(days=3)
            overdue = _decision(people, review_on=past)
            operations.add_follow_up(overdue, "Brief the minister",
                                     people["member"].person.organisation,
                                     people["secretariat"], owner_person=people["member"].person)

            clients = signed_in_clients(RECORD_STANDINGS, people)
            sitting = in_sitting.sitting.get_absolute_url()
            pages = ([(s, url) for s in LIST_STANDINGS for url in (LIST, FILTERED)]
                     + [(s, record.get_absolute_url()) for s in RECORD_STANDINGS]
                     + [("member", sitting), ("member", "/decisions/sittings/"),
                        ("anonymous", "/decisions/feed.atom")]
                     + [(s, "/me/") for s in HOME_STANDINGS])
            before = {(s, url): count_queries(clients[s], url) for s, url in pages}

            _thicken(record, people, 12)
            for i in range(15):
                _decision(people, ["public", "members", "core"][i % 3], title=f"More {i}",
                          sitting=in_sitting.sitting)
            for i in range(25):
                _decision(people, title=f"Overdue {i}", review_on=past)
            added = grow(TEST_GROWTH, representing=[people["member"].person])
        yield Grown(clients, record.get_absolute_url(), sitting, before, added)


@pytest.mark.parametrize("standing", LIST_STANDINGS)
def test_the_decisions_list_costs_the_same_as_data_grows(grown, standing):
    assert grown.added["decisions"] == TEST_GROWTH.decisions
    client = grown.clients[standing]
    assert count_queries(client, LIST) == grown.before[standing, LIST]
    assert count_queries(client, FILTERED) == grown.before[standing, FILTERED]


def test_a_deep_page_costs_what_the_first_costs(grown):
    member = grown.clients["member"]
    first = count_queries(member, "/decisions/")
    page = member.get("/decisions/").context["page"]
    assert len(page["items"]) == 20 and page["older"]
    page = member.get(f"/decisions/?before={page['older']}").context["page"]
    assert count_queries(member, f"/decisions/?before={page['older']}") == first
    assert count_queries(member, f"/decisions/?after={page['newer']}") == first


@pytest.mark.parametrize("standing", RECORD_STANDINGS)
def test_a_decision_page_costs_the_same_with_a_long_record(grown, standing):
    before = grown.before[standing, grown.record]
    assert count_queries(grown.clients[standing], grown.record) == before


def test_a_sitting_page_and_the_sittings_cost_the_same(grown):
    client = grown.clients["member"]
    assert count_queries(client, grown.sitting) == grown.before["member", grown.sitting]
    assert (count_queries(client, "/decisions/sittings/")
            == grown.before["member", "/decisions/sittings/"])


def test_the_feed_costs_the_same(grown):
    before = grown.before["anonymous", "/decisions/feed.atom"]
    assert count_queries(grown.clients["anonymous"], "/decisions/feed.atom") == before


@pytest.mark.parametrize("standing", HOME_STANDINGS)
def test_the_home_page_costs_the_same_with_overdue_reviews_and_actions(grown, people,
                                                                      standing):
    assert Task.objects.filter(decision__isnull=False,
                               owner_person=people["member"].person).count() > 5
    assert count_queries(grown.clients[standing], "/me/") == grown.before[standing, "/me/"]
