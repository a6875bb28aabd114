"""Paper pages cost the same number of queries however many papers, files, positions,
comments and steps there are.

Every case is measured with its own few records (`grown`), then the records grow once for the
module (more papers of each kind, the long record's files, positions, comments and steps), and
each case measures its page again and expects the same count. Making the records once, not
once per case, keeps the module fast (as talanoa/tests/test_query_counts.py).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from members.models import Country, Membership, Organisation, Person
from papers import operations
from papers.models import (
    Paper,
    PaperFile,
    PaperKind,
    PaperOption,
    PaperTransition,
    Position,
    ReviewComment,
    Tag,
)
from papers.tests.conftest import new_paper
from talanoa.tests.module_data import module_transaction, signed_in_clients
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db

PUBLICATIONS = "/papers/"
FILTERED = "/papers/?sdg=9.c&country=TUV&year=2026"
IN_PROGRESS = "/papers/in-progress/"
FEED = "/papers/feed.atom"
LIST_STANDINGS = ["anonymous", "member"]
RECORD_STANDINGS = ["anonymous", "member", "chair", "secretariat"]


def _papers(group, n: int, level: str = "public", published: bool = True) -> list[Paper]:
    kinds = list(PaperKind.objects.all())
    orgs = list(Organisation.objects.all()[:10])
    now = timezone.now()
    papers = Paper.objects.bulk_create([
        Paper(group=group, level=level, kind=kinds[i % len(kinds)], title_en=f"Paper {i} {level}",
              summary_en="Summary " * 20, lead_organisation=orgs[i % len(orgs)],
              status=Paper.Status.PUBLISHED if published else Paper.Status.DRAFT,
              published_at=now - datetime.timedelta(hours=i) if published else None)
        for i in range(n)])
    tags, countries = list(Tag.objects.all()[:4]), list(Country.objects.filter(is_pict=True)[:3])
    for paper in papers:
        paper.tags.set(tags)
        paper.countries.set(countries)
    return papers


def _thicken(paper: Paper, n: int) -> None:
    members = Organisation.objects.filter(
        memberships__group=paper.group, memberships__kind=Membership.Kind.MEMBER)[:n]
    people = list(Person.objects.all()[:5])
    PaperOption.objects.bulk_create([PaperOption(paper=paper, order=i, title_en=f"Option {i}")
                                     for i in range(n)])
    for i in range(n):
        first = PaperFile.objects.create(paper=paper, title=f"Annex {i}", file="papers/x.pdf",
                                         original_name="x.pdf", file_type="pdf", size=10,
                                         sha256="0" * 64)
        PaperFile.objects.create(paper=paper, title=f"Annex {i}", file="papers/y.pdf",
                                 original_name="y.pdf", file_type="pdf", size=10,
                                 sha256="1" * 64, first=first, number=2)
        first.replaced_at = timezone.now()
        first.save()
    Position.objects.bulk_create([
        Position(paper=paper, review_round=paper.review_round, organisation=org,
                 stance=Position.Stance.CONCERN, note="Why", person=people[0])
        for org in members if not paper.positions.filter(organisation=org).exists()])
    ReviewComment.objects.bulk_create([
        ReviewComment(paper=paper, review_round=paper.review_round, person=people[i % 5],
                      organisation=people[i % 5].organisation, text=f"Comment {i}")
        for i in range(n)])
    PaperTransition.objects.bulk_create([PaperTransition(paper=paper, to_status="draft",
                                                         reason=f"Step {i}") for i in range(n)])


@dataclass
class Grown:
    clients: dict[str, Client]
    record: str  # the page of the paper with a long record
    before: dict[tuple[str, str], int]  # (standing, address): queries before the growth


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker) -> Iterator[Grown]:
    """Each case's few records made and its page measured, then every case's records grown
    once for the module (in a transaction rolled back at its end)."""
    from conftest import DEMO
    from members.models import User, WorkingGroup

    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            people = {s: User.objects.get(email=e) for s, e in DEMO.items()}
            group = WorkingGroup.objects.get(slug="ict")
            # What each case had made before its first measurement.
            _papers(group, 3)  # the publications' and the feed's
            _papers(group, 3, level="members", published=False)  # in progress
            paper = new_paper(group, people["secretariat"])
            operations.open_review(paper, people["secretariat"],
                                   timezone.localdate() + datetime.timedelta(days=5))
            _thicken(paper, 2)

            clients = signed_in_clients(RECORD_STANDINGS, people)
            record = paper.get_absolute_url()
            pages = ([(s, url) for s in LIST_STANDINGS for url in (PUBLICATIONS, FILTERED)]
                     + [(s, record) for s in RECORD_STANDINGS]
                     + [("member", IN_PROGRESS), ("anonymous", FEED)])
            before = {(s, url): count_queries(clients[s], url) for s, url in pages}

            _papers(group, 60)
            _papers(group, 30, level="members")
            _papers(group, 50, level="members", published=False)
            _thicken(paper, 25)
        yield Grown(clients, record, before)


@pytest.mark.parametrize("standing", LIST_STANDINGS)
def test_the_publications_list_costs_the_same_with_more_papers(grown, standing):
    client = grown.clients[standing]
    assert count_queries(client, PUBLICATIONS) == grown.before[standing, PUBLICATIONS]
    assert count_queries(client, FILTERED) == grown.before[standing, FILTERED]


@pytest.mark.parametrize("standing", RECORD_STANDINGS)
def test_a_paper_page_costs_the_same_with_a_long_record(grown, standing):
    before = grown.before[standing, grown.record]
    assert count_queries(grown.clients[standing], grown.record) == before


def test_papers_in_progress_cost_the_same(grown):
    before = grown.before["member", IN_PROGRESS]
    assert count_queries(grown.clients["member"], IN_PROGRESS) == before


def test_the_feed_costs_the_same(grown):
    assert count_queries(grown.clients["anonymous"], FEED) == grown.before["anonymous", FEED]
