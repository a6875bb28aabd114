"""Decision pages cost the same number of queries however many decisions, options, positions,
actions, steps and linked records there are."""

import datetime

import pytest
from django.utils import timezone

from decisions import operations
from decisions.models import Decision, DecisionOption, DecisionPosition
from members.models import Membership, Organisation, Person
from talanoa.synthetic import TEST_GROWTH, grow
from talanoa.tests.queries import count_queries
from work.models import Task

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("standing", ["anonymous", "member", "secretariat"])
def test_the_decisions_list_costs_the_same_as_data_grows(client_for, people, make_decision,
                                                         standing):
    make_decision()
    client = client_for(standing)
    before = count_queries(client, "/decisions/")
    filtered = count_queries(client, "/decisions/?body=forum-leaders&status=not_started"
                                     "&ict=yes&year=2025")
    added = grow(TEST_GROWTH, representing=[people["member"].person])
    assert added["decisions"] == TEST_GROWTH.decisions
    assert count_queries(client, "/decisions/") == before
    assert count_queries(client, "/decisions/?body=forum-leaders&status=not_started"
                                 "&ict=yes&year=2025") == filtered


def test_a_deep_page_costs_what_the_first_costs(client_for, people):
    grow(TEST_GROWTH, representing=[people["member"].person])
    member = client_for("member")
    first = count_queries(member, "/decisions/")
    page = member.get("/decisions/").context["page"]
    assert len(page["items"]) == 20 and page["older"]
    page = member.get(f"/decisions/?before={page['older']}").context["page"]
    assert count_queries(member, f"/decisions/?before={page['older']}") == first
    assert count_queries(member, f"/decisions/?after={page['newer']}") == first


@pytest.mark.parametrize("standing", ["anonymous", "member", "chair", "secretariat"])
def test_a_decision_page_costs_the_same_with_a_long_record(client_for, people, make_decision,
                                                          standing):
    decision = make_decision("public")
    _thicken(decision, people, 2)
    client = client_for(standing)
    before = count_queries(client, decision.get_absolute_url())
    _thicken(decision, people, 12)
    grow(TEST_GROWTH, representing=[people["member"].person])
    assert count_queries(client, decision.get_absolute_url()) == before


def test_a_sitting_page_and_the_sittings_cost_the_same(client_for, people, make_decision):
    decision = make_decision("public")
    client = client_for("member")
    before = count_queries(client, decision.sitting.get_absolute_url())
    sittings = count_queries(client, "/decisions/sittings/")
    for i in range(15):
        make_decision(["public", "members", "core"][i % 3], title=f"More {i}",
                      sitting=decision.sitting)
    grow(TEST_GROWTH, representing=[people["member"].person])
    assert count_queries(client, decision.sitting.get_absolute_url()) == before
    assert count_queries(client, "/decisions/sittings/") == sittings


def test_the_feed_costs_the_same(client, make_decision, people):
    make_decision()
    before = count_queries(client, "/decisions/feed.atom")
    grow(TEST_GROWTH, representing=[people["member"].person])
    assert count_queries(client, "/decisions/feed.atom") == before


@pytest.mark.parametrize("standing", ["member", "secretariat"])
def test_the_home_page_costs_the_same_with_overdue_reviews_and_actions(client_for, people,
                                                                      make_decision, standing):
    past = timezone.localdate() - datetime.timedelta(days=3)
    decision = make_decision(review_on=past)
    operations.add_follow_up(decision, "Brief the minister", people["member"].person.organisation,
                             people["secretariat"], owner_person=people["member"].person)
    client = client_for(standing)
    before = count_queries(client, "/me/")
    for i in range(25):
        make_decision(title=f"Overdue {i}", review_on=past)
    grow(TEST_GROWTH, representing=[people["member"].person])
    assert Task.objects.filter(decision__isnull=False,
                                     owner_person=people["member"].person).count() > 5
    assert count_queries(client, "/me/") == before
