"""The member home's "Proposals awaiting my organisation's scores": submitted proposals in an
open scoring period that an organisation I speak for has not fully scored, in a constant
number of queries however many proposals, scores and representations there are.

The constant queries are checked on data grown once for the module (`grown`), after each
standing's home was measured with a few proposals. Their test comes last: the growth stays
until the module's end, and the other tests expect the demo's own proposals alone.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.synthetic import TEST_GROWTH, grow
from decisions import operations
from decisions.tests.proposal_helpers import make_proposal, open_cycle
from members.models import Organisation
from talanoa.tests.module_data import module_transaction, signed_in_clients
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db
GROWN_STANDINGS = ["member", "secretariat"]


def _awaiting(client) -> list[str]:
    return [str(p.title_en) for p in client.get(reverse("portal:member_home"))
            .context["proposals_awaiting"]]


def test_the_demo_proposals_await_fijis_scores_at_the_levels_fiji_sees(client_for):
    assert sorted(t.split("]")[0] + "]" for t in _awaiting(client_for("member"))) == [
        "[core]", "[members]", "[public]"]
    page = client_for("member").get(reverse("portal:member_home")).text
    assert "Proposals awaiting my organisation" in page and reverse("decisions:cycles") in page
    # Observers and consultative organisations do not score; SPC is named on the restricted one.
    assert _awaiting(client_for("observer")) == []
    assert _awaiting(client_for("consultative")) == []
    assert any(t.startswith("[restricted]") for t in _awaiting(client_for("secretariat")))


def test_a_proposal_leaves_the_list_once_fully_scored(client_for, people):
    cycle = open_cycle(scoring_until=timezone.localdate() + datetime.timedelta(days=5))
    proposal = make_proposal(cycle, title="Shared e-health records")
    draft = make_proposal(cycle, title="Still a draft")
    operations.submit_proposal(proposal, people["secretariat"])
    member = client_for("member")
    assert "Shared e-health records" in _awaiting(member)
    assert "Still a draft" not in _awaiting(member) and draft.status == "draft"
    fiji = Organisation.objects.get(slug="gov-fji")
    criteria = list(cycle.criteria.all())
    operations.record_scores(proposal, fiji, {criteria[0].pk: (3, "")})
    assert "Shared e-health records" in _awaiting(member)  # partly scored
    operations.record_scores(proposal, fiji, {c.pk: (4, "") for c in criteria})
    assert "Shared e-health records" not in _awaiting(member)


def test_a_closed_scoring_period_or_another_stage_leaves_nothing_to_do(client_for, people):
    closed = open_cycle(name="Closed scoring",
                        scoring_until=timezone.localdate() - datetime.timedelta(days=1))
    late = make_proposal(closed, title="Scored too late")
    operations.submit_proposal(late, people["secretariat"])
    held = make_proposal(open_cycle(), title="Held by executives")
    operations.submit_proposal(held, people["secretariat"])
    operations.record_executives_decision(held, "hold", "Later.", people["secretariat"])
    awaiting = _awaiting(client_for("member"))
    assert "Scored too late" not in awaiting and "Held by executives" not in awaiting


def _more_proposals(people, n: int) -> None:
    cycle = open_cycle(name=f"Cycle of {n}")
    criteria = list(cycle.criteria.all())
    pita, fiji = Organisation.objects.get(slug="pita"), Organisation.objects.get(slug="gov-fji")
    for i in range(n):
        proposal = make_proposal(cycle, title=f"Proposal {n}-{i}",
                                 level=["public", "members", "core", "restricted"][i % 4])
        operations.submit_proposal(proposal, people["secretariat"])
        if proposal.level == "restricted":
            continue  # named SPC only: its scores are the secretariat's
        operations.record_scores(proposal, pita, {c.pk: (i % 5 + 1, "") for c in criteria})
        if i % 3 == 0:  # some partly scored by Fiji, some fully
            operations.record_scores(proposal, fiji, {c.pk: (2, "") for c in criteria[:i % 5]})


# --- On grown data: last in the module (see its docstring) ----------------------------------


@dataclass
class Grown:
    clients: dict[str, Client]
    before: dict[str, int]  # each standing's home: queries with a few proposals
    awaiting: dict[str, list[str]]  # and what it listed then


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker) -> Iterator[Grown]:
    """Each standing's home measured with a few proposals, then the proposals and the data grown
    once for the module (in a transaction rolled back at its end): growing costs seconds, once
    per standing it added up."""
    from conftest import DEMO
    from members.models import User

    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            people = {s: User.objects.get(email=e) for s, e in DEMO.items()}
            clients = signed_in_clients(GROWN_STANDINGS, people)
            _more_proposals(people, 2)
            home = reverse("portal:member_home")
            before = {s: count_queries(clients[s], home) for s in GROWN_STANDINGS}
            awaiting = {s: _awaiting(clients[s]) for s in GROWN_STANDINGS}
            _more_proposals(people, 24)
            grow(TEST_GROWTH, representing=[people["member"].person])
        yield Grown(clients, before, awaiting)


@pytest.mark.parametrize("standing", GROWN_STANDINGS)
def test_the_list_costs_the_same_as_data_grows(grown, standing):
    client = grown.clients[standing]
    assert grown.awaiting[standing]
    assert count_queries(client, reverse("portal:member_home")) == grown.before[standing]
    assert len(_awaiting(client)) == 10
