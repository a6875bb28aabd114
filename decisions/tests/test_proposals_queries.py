"""The ranking and the proposal page cost the same number of queries however many proposals,
criteria, organisations and scores there are."""

import pytest

from decisions import operations
from decisions.models import Criterion, Proposal, Score
from decisions.tests.proposal_helpers import make_proposal, open_cycle
from members.models import Membership, Organisation
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db


def _grow(cycle, proposals: int, start: int = 0) -> list[Proposal]:
    """More proposals at every level, each scored by every member organisation."""
    levels = ("public", "members", "core", "restricted")
    members = list(Organisation.objects.filter(memberships__group=cycle.group,
                                               memberships__kind=Membership.Kind.MEMBER))
    made = []
    for i in range(start, start + proposals):
        proposal = make_proposal(cycle, title=f"Proposal {i}", level=levels[i % 4],
                                 lead="gov-fji" if i % 2 else "spc")
        if proposal.level == "restricted":
            proposal.restricted_organisations.add(*members[:3])
        operations.submit_proposal(proposal, None, proposal.version)
        made.append(proposal)
    criteria = list(cycle.criteria.all())
    Score.objects.bulk_create([
        Score(proposal=p, criterion=c, organisation=o, value=(p.pk + c.pk + o.pk) % 5 + 1)
        for p in made for c in criteria for o in members])
    return made


@pytest.mark.parametrize("standing", ["member", "observer", "secretariat"])
def test_the_ranking_costs_the_same_with_more_proposals_and_scores(client_for, group, standing):
    cycle = open_cycle(group)
    _grow(cycle, 2)
    client = client_for(standing)
    url = f"/proposals/cycles/{cycle.pk}/ranking/"
    before = count_queries(client, url)
    _grow(cycle, 12, start=2)
    Criterion.objects.create(cycle=cycle, title_en="Cost", weight=4, order=99)
    assert count_queries(client, url) == before


@pytest.mark.parametrize("standing", ["anonymous", "member", "secretariat"])
def test_a_proposal_page_costs_the_same_with_more_scores(client_for, group, standing):
    cycle = open_cycle(group)
    [proposal] = _grow(cycle, 1)
    proposal.level = "public"
    proposal.save()
    client = client_for(standing)
    before = count_queries(client, proposal.get_absolute_url())
    for i in range(6):
        Criterion.objects.create(cycle=cycle, title_en=f"Extra {i}", order=100 + i)
    members = Organisation.objects.filter(memberships__group=group,
                                          memberships__kind=Membership.Kind.MEMBER)
    Score.objects.bulk_create([Score(proposal=proposal, criterion=c, organisation=o, value=3)
                               for c in cycle.criteria.filter(title_en__startswith="Extra")
                               for o in members])
    assert count_queries(client, proposal.get_absolute_url()) == before
