"""The engagement pages cost the same number of queries with ten times the data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import EngagementProcess, ExternalBody, ForumParticipation, GroupPosition
from meetings.models import Meeting
from members.models import Person
from papers.models import Paper, Tag
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db
LEVELS = ("public", "members", "core", "restricted")


def _grow(group, times: int = 10, first_forum_days: int = -60) -> None:
    """`times` as many processes, positions (every level, some archived, restricted ones
    naming people and organisations) and forum participations (from `first_forum_days`, one
    every three days) as the demo has."""
    today = timezone.localdate()
    bodies = list(ExternalBody.objects.all())
    areas = list(Tag.objects.filter(kind="area"))
    people = list(Person.objects.filter(organisation__isnull=False)[:6])
    processes = EngagementProcess.objects.bulk_create([
        EngagementProcess(body=bodies[i % len(bodies)], title_en=f"Grown process {i}",
                          deadline=today + datetime.timedelta(days=i - 20))
        for i in range(6 * times)])
    for i, process in enumerate(processes):
        process.areas.set(areas[i % 3:i % 3 + 2])
    positions = GroupPosition.objects.bulk_create([
        GroupPosition(group=group, process=processes[i],
                      level=LEVELS[i % 4], title_en=f"Grown position {i}", text_en="**Text**",
                      archived_at=timezone.now() if i % 7 == 0 else None)
        for i in range(4 * times)])
    for position in positions:
        if position.level == "restricted":
            position.restricted_people.set(people[:2])
            position.restricted_organisations.set([people[0].organisation])
    for i in range(4 * times):
        start = timezone.now() + datetime.timedelta(days=i * 3 + first_forum_days)
        meeting = Meeting.objects.create(group=group, level=LEVELS[i % 4], kind="forum",
                                         title_en=f"Grown forum {i}", starts_at=start,
                                         ends_at=start + datetime.timedelta(days=2),
                                         city="Suva")
        participation = ForumParticipation.objects.create(
            group=group, level=meeting.level, meeting=meeting, body=bodies[i % len(bodies)],
            position_en="Grown position")
        participation.delegates.set(people[:3])
        if meeting.level == "restricted":
            participation.restricted_people.set(people[:2])
            meeting.restricted_people.set(people[:2])


@pytest.mark.parametrize("standing", ["anonymous", "member", "secretariat"])
def test_engagement_pages_cost_the_same_as_data_grows(client_for, group, standing):
    client = client_for(standing)
    process = EngagementProcess.objects.filter(title_en__startswith="ICANN").first()
    forum = ForumParticipation.objects.get(position_en__startswith="[public]")
    # Every reader sees one position with its paper on the process page from the start.
    GroupPosition.objects.create(group=group, process=process, level="public",
                                 title_en="Seen by all", paper=Paper.objects.get(
                                     title_en__startswith="[public]"))
    urls = [reverse("engagement:engagement"), reverse("engagement:forums"),
            reverse("engagement:engagement_body", args=["itu"]), process.get_absolute_url(),
            forum.get_absolute_url(), forum.meeting.get_absolute_url()]
    before = {url: count_queries(client, url) for url in urls}
    _grow(group)
    # The demo process now has forty positions more, some with papers.
    GroupPosition.objects.filter(title_en__startswith="Grown position").update(process=process)
    GroupPosition.objects.filter(title_en__startswith="Grown position 1").update(
        paper=Paper.objects.get(title_en__startswith="[members]"))
    after = {url: count_queries(client, url) for url in urls}
    assert after == before


def test_a_deep_page_of_past_forums_costs_what_the_first_costs(client_for, group):
    _grow(group, times=20, first_forum_days=-200)
    client = client_for("secretariat")
    first = client.get(reverse("engagement:forums"))
    assert first.context["older"]
    deep = reverse("engagement:forums") + f"?before={first.context['older']}"
    page = client.get(deep)
    assert page.status_code == 200 and page.context["past"]
    assert not set(page.context["past"]) & set(first.context["past"])
    assert count_queries(client, deep) <= count_queries(client, reverse("engagement:forums"))
