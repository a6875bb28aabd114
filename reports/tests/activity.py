"""Recorded activity in 2026 at every dissemination level, for the annual report's and the heat
map's tests. Titles say their level ("[core] Annual test paper 1"), so a test can tell what was
named to whom."""

from __future__ import annotations

import datetime
import zoneinfo

from members.models import Country, Objective, Organisation, Person
from talanoa.access import LEVEL_AUDIENCE

LEVELS = tuple(LEVEL_AUDIENCE)
FIJI = zoneinfo.ZoneInfo("Pacific/Fiji")
MARK = "Annual test"


def at(month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=FIJI)


def _named(item, named: list[Person]) -> None:
    if getattr(item, "level", None) == "restricted":
        item.restricted_people.set(named)


def add_activity(group, copy: int = 0) -> dict[str, list]:
    """One record of each kind at each level, in 2026 (quarters spread), plus work plan items
    serving S2 with a task done and a task overdue. Returns what it made, by kind."""
    from advisory.models import AdvisoryRequest
    from decisions.models import Decision, Sitting
    from directory.models import EngagementLogEntry
    from engagement.models import EngagementProcess, ForumParticipation, GroupPosition
    from meetings.models import Meeting
    from members.models import Body
    from papers.models import Paper, PaperKind, PaperTransition, Tag
    from plan.models import PlanItem
    from portal.models import Post
    from tasks.models import Task, TaskTransition

    spc = Organisation.objects.get(slug="spc")
    named = list(Person.objects.filter(email__in=["chair@demo.talanoa.test",
                                                  "secretariat@demo.talanoa.test"]))
    s2 = Objective.objects.get(group=group, code="S2")
    brief = PaperKind.objects.get(slug="policy-brief")
    sdg = Tag.objects.filter(kind=Tag.Kind.SDG).first()
    body = Body.objects.order_by("pk").first()
    process = EngagementProcess.objects.order_by("pk").first()
    fiji = Country.objects.get(iso3="FJI")
    sitting = Sitting.objects.create(body=body, title_en=f"{MARK} sitting {copy}",
                                     starts_on=datetime.date(2026, 3, 2))
    made: dict[str, list] = {}

    def keep(kind, item):
        _named(item, named)
        made.setdefault(kind, []).append(item)
        return item

    for n, level in enumerate(LEVELS):
        title = f"[{level}] {MARK} %s {copy}"
        day = 1 + n
        keep("meeting", Meeting.objects.create(
            group=group, level=level, title_en=title % "meeting", starts_at=at(2, day),
            ends_at=at(2, day, 16), status=Meeting.Status.HELD))
        keep("ministers", Meeting.objects.create(
            group=group, level=level, kind=Meeting.Kind.MINISTERS,
            title_en=title % "ministers' meeting", starts_at=at(5, day),
            ends_at=at(5, day, 16), status=Meeting.Status.MINUTES_ADOPTED))
        paper = keep("paper", Paper.objects.create(
            group=group, level=level, kind=brief, title_en=title % "paper",
            title_fr=f"[{level}] Document de test annuel {copy}", lead_organisation=spc,
            status=Paper.Status.DECIDED, submitted_on=datetime.date(2026, 7, day),
            outcome=["endorsed", "noted", "deferred", ""][n], outcome_on=datetime.date(2026, 8, 1)))
        paper.tags.set([sdg])
        PaperTransition.objects.create(paper=paper, to_status="cleared", at=at(4, day))
        keep("decision", Decision.objects.create(
            group=group, level=level, sitting=sitting, reference=f"§{n}",
            title_en=title % "decision", analysis_en="Assessed."))
        keep("advisory", AdvisoryRequest.objects.create(
            group=group, level=level, title_en=title % "request", requester_name="A. Minister",
            requester_email="minister@example.org", country=fiji,
            received_at=at(6, 1), first_response_at=at(6, 1 + 2 * (n + 1))))
        forum = Meeting.objects.create(
            group=group, level=level, kind=Meeting.Kind.FORUM, title_en=title % "forum",
            starts_at=at(9, day), ends_at=at(9, day, 16), status=Meeting.Status.HELD)
        _named(forum, named)
        keep("forum", ForumParticipation.objects.create(group=group, level=level,
                                                        meeting=forum))
        keep("position", GroupPosition.objects.create(
            group=group, level=level, process=process, title_en=title % "position",
            submitted_on=datetime.date(2026, 10, day)))
        keep("log", EngagementLogEntry.objects.create(
            group=group, level=level, organisation=spc, summary=title % "engagement",
            date=datetime.date(2026, 11, day)))
        keep("post", Post.objects.create(group=group, level=level, title_en=title % "news",
                                         published_at=at(12, day)))
        item = keep("plan", PlanItem.objects.create(
            group=group, level=level, kind=PlanItem.Kind.INITIATIVE,
            title_en=title % "plan item", lead_organisation=spc,
            starts_on=datetime.date(2026, 1, 1), due_on=datetime.date(2026, 12, 1)))
        item.objectives.set([s2])
        done = keep("task_done", Task.objects.create(
            group=group, plan_item=item, title=title % "task done", owner_organisation=spc,
            status=Task.Status.DONE, due_on=datetime.date(2026, 11, 1)))
        TaskTransition.objects.create(task=done, to_status="done", at=at(11, 10 + n))
        keep("task_overdue", Task.objects.create(
            group=group, plan_item=item, title=title % "task overdue", owner_organisation=spc,
            due_on=datetime.date(2026, 3, 1)))
    return made
