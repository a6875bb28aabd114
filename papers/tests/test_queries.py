"""Paper pages cost the same number of queries however many papers, files, positions,
comments and steps there are."""

import datetime

import pytest
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
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("standing", ["anonymous", "member"])
def test_the_publications_list_costs_the_same_with_more_papers(client_for, group, standing):
    client = client_for(standing)
    _papers(group, 3)
    before = count_queries(client, "/papers/")
    filtered = count_queries(client, "/papers/?sdg=9.c&country=TUV&year=2026")
    _papers(group, 60)
    _papers(group, 30, level="members")
    assert count_queries(client, "/papers/") == before
    assert count_queries(client, "/papers/?sdg=9.c&country=TUV&year=2026") == filtered


@pytest.mark.parametrize("standing", ["anonymous", "member", "chair", "secretariat"])
def test_a_paper_page_costs_the_same_with_a_long_record(client_for, make_paper, people,
                                                       standing):
    paper = make_paper("public")
    operations.open_review(paper, people["secretariat"],
                           timezone.localdate() + datetime.timedelta(days=5))
    _thicken(paper, 2)
    client = client_for(standing)
    before = count_queries(client, paper.get_absolute_url())
    _thicken(paper, 25)
    assert count_queries(client, paper.get_absolute_url()) == before


def test_papers_in_progress_cost_the_same(client_for, group):
    client = client_for("member")
    _papers(group, 3, level="members", published=False)
    before = count_queries(client, "/papers/in-progress/")
    _papers(group, 50, level="members", published=False)
    assert count_queries(client, "/papers/in-progress/") == before


def test_the_feed_costs_the_same(client, group):
    _papers(group, 3)
    before = count_queries(client, "/papers/feed.atom")
    _papers(group, 60)
    assert count_queries(client, "/papers/feed.atom") == before
