"""The minutes section, the minutes page, my actions and the member home cost the same number of
queries however long the record grows (BUDGETS.md)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import operations
from meetings.models import (
    Attendance,
    MeetingDecision,
    MinutesComment,
    MinutesRevision,
)
from members.models import Person
from talanoa.tests.queries import count_queries
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _grow(minutes, people, n=30):
    """Many more decisions, attendance rows, actions, revisions and comments."""
    meeting = minutes.meeting
    member = people["member"].person
    start = MeetingDecision.objects.filter(meeting=meeting).count()
    MeetingDecision.objects.bulk_create(
        MeetingDecision(meeting=meeting, number=start + i + 1, text_en=f"Decision {i}")
        for i in range(n))
    taken = set(Attendance.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, person=person, organisation_id=person.organisation_id,
                   presence="remote")
        for person in Person.objects.exclude(pk__in=taken)[:n])
    today = timezone.localdate()
    Task.objects.bulk_create(
        Task(meeting=meeting, group_id=meeting.group_id, title=f"Action {i}",
             owner_organisation=member.organisation, owner_person=member if i % 2 else None,
             due_on=today + datetime.timedelta(days=i - n // 2))
        for i in range(n))
    last = minutes.revisions.count()
    MinutesRevision.objects.bulk_create(
        MinutesRevision(minutes=minutes, number=last + i + 1, text=f"Text {i}")
        for i in range(n))
    MinutesComment.objects.bulk_create(
        MinutesComment(minutes=minutes, person=member, organisation=member.organisation,
                       text=f"Comment {i}") for i in range(n))


def _seed(minutes, people):
    """One of everything first, so the first count already walks every branch."""
    _grow(minutes, people, n=2)


@pytest.mark.parametrize("standing", ["anonymous", "member", "secretariat"])
@pytest.mark.parametrize("page", ["meetings:meeting", "meetings:minutes"])
def test_the_record_costs_the_same_as_it_grows(client_for, minutes_at, people, standing, page):
    minutes = minutes_at("circulated")
    _seed(minutes, people)
    operations.adopt_minutes(minutes, people["chair"])
    url = reverse(page, args=[minutes.meeting.pk])
    client = client_for(standing)
    before = count_queries(client, url)
    _grow(minutes, people)
    assert count_queries(client, url) == before
    content = client.get(url).content
    assert b"Decision 29" in content and b"Action 29" in content


@pytest.mark.parametrize("url", ["tasks:my_tasks", "portal:member_home"])
def test_my_actions_cost_the_same_as_they_grow(client_for, minutes_at, people, url):
    minutes = minutes_at("circulated")
    _seed(minutes, people)
    client = client_for("member")
    before = count_queries(client, reverse(url))
    _grow(minutes, people)
    _grow(minutes_at("circulated", level="members"), people)
    assert count_queries(client, reverse(url)) == before
    shown = client.get(reverse(url)).context
    assert len(shown["open_tasks" if url == "tasks:my_tasks" else "my_actions"]) >= 20
