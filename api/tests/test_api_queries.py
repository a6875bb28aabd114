"""A page of each item list costs the same number of queries however much data there is."""

from __future__ import annotations

import pytest
from django.test import Client

from api.operations import create_token
from bench.synthetic import TEST_GROWTH, grow
from decisions.models import Proposal
from decisions.tests.proposal_helpers import make_proposal, sample_cycle
from members.models import Organisation
from papers.models import Tag
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db
LISTS = ("/api/meetings", "/api/papers", "/api/decisions", "/api/proposals")
PAGE = 20


def _more_proposals(n: int) -> None:
    """`grow` makes no proposals: these, with partners and tags, at every level."""
    cycle = sample_cycle()
    tags = list(Tag.objects.all()[:3])
    for i in range(n):
        proposal = make_proposal(cycle, title=f"Grown proposal {i}",
                                 level=("public", "members", "core")[i % 3])
        proposal.partners.add(*Organisation.objects.order_by("pk")[:2])
        proposal.tags.add(*tags)


def test_each_list_page_costs_the_same_as_data_grows(people):
    clients = {"anonymous": Client()}
    for standing in ("member", "secretariat"):
        __, secret = create_token(people[standing], "Queries")
        clients[standing] = Client(headers={"Authorization": f"Bearer {secret}"})
    before = {(standing, url): count_queries(client, f"{url}?limit={PAGE}")
              for standing, client in clients.items() for url in LISTS}
    grow(TEST_GROWTH, representing=[people["member"].person])
    _more_proposals(PAGE + 5)
    assert Proposal.objects.count() > PAGE
    for (standing, url), queries in before.items():
        client = clients[standing]
        page = client.get(url, {"limit": PAGE}).json()
        if standing != "anonymous":  # the lists really are longer than a page now
            assert len(page["results"]) == PAGE and page["next"], (standing, url)
        assert count_queries(client, f"{url}?limit={PAGE}") == queries, (standing, url)
        # A later page, and a filtered one, cost what the first one does.
        if page["next"]:
            assert count_queries(client, f"{url}?limit={PAGE}&cursor={page['next']}") == queries
        assert count_queries(client, f"{url}?limit={PAGE}&group=ict") == queries, url
