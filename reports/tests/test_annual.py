"""The annual assessment report compiled from the demo data and a year of extra activity: every
count equals a query over the records, written here independently of reports.measures."""

import datetime
import json

import pytest
from django.db.models import Q

from members.models import Objective
from reports import annual
from reports.document import Paragraph, Section
from reports.models import (
    ChecklistItem,
    ChecklistTick,
    FlowStep,
    ObjectiveAssessment,
    RatingLevel,
    Report,
)
from reports.tests.activity import MARK, add_activity, at

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
SINCE, UNTIL = at(1, 1, 0), datetime.datetime(2027, 1, 1, tzinfo=at(1, 1).tzinfo)
CODES = [f"G{i}" for i in range(1, 7)] + [f"S{i}" for i in range(1, 16)]


def _report(group, level="members") -> Report:
    return Report.objects.create(group=group, level=level, kind=Report.Kind.ANNUAL,
                                 title_en="Annual assessment report 2026",
                                 title_fr="Rapport d'évaluation annuel 2026",
                                 period_start=START, period_end=END)


def _compile(report) -> dict:
    calls = []
    data = annual.compile_annual(report, calls.append)
    assert calls == [o["code"] for o in data["objectives"]]
    assert annual.step_count(report) == len(calls)
    json.dumps(data)  # frozen into a JSONField
    return data


def _expected(group) -> dict[str, int]:
    """Each measure as a plain query over the records."""
    from advisory.models import AdvisoryRequest
    from decisions.models import Decision, Proposal
    from directory.models import EngagementLogEntry
    from engagement.models import ForumParticipation, GroupPosition
    from meetings.models import Meeting
    from papers.models import Paper
    from plan.models import PlanItem
    from portal.models import Post
    from tasks.models import Task

    live = {"group": group, "archived_at__isnull": True}
    held = ["held", "minutes_adopted"]
    in_year = {"starts_at__gte": SINCE, "starts_at__lt": UNTIL}
    days = {"gte": START, "lte": END}

    def on(field):
        return {f"{field}__{k}": v for k, v in days.items()}

    def moved(model, statuses):
        return (model.objects.filter(**live, transitions__to_status__in=statuses,
                                     transitions__at__gte=SINCE, transitions__at__lt=UNTIL)
                .distinct().count())

    assessed = (~Q(analysis_en="") | ~Q(analysis_fr="") | ~Q(advice_en="") | ~Q(advice_fr="")
                | Q(options__isnull=False))
    return {
        "meetings_held": Meeting.objects.filter(
            **live, **in_year, status__in=held, kind__in=["working_group", "taskforce"]).count(),
        "ministers_meetings": Meeting.objects.filter(
            **live, **in_year, status__in=held, kind="ministers").count(),
        "papers_cleared": moved(Paper, ["cleared"]),
        "papers_submitted": Paper.objects.filter(**live, **on("submitted_on")).count(),
        "sdg_papers": Paper.objects.filter(
            **live, tags__kind="sdg", transitions__to_status__in=["cleared", "submitted",
                                                                  "published"],
            transitions__at__gte=SINCE, transitions__at__lt=UNTIL).distinct().count(),
        "decisions_assessed": Decision.objects.filter(
            assessed, **live, concerns_ict=True, **on("decided_on")).distinct().count(),
        "decisions_followed": moved(Decision, ["in_progress", "done", "stalled"]),
        "proposals_submitted": Proposal.objects.filter(
            **live, submitted_at__gte=SINCE, submitted_at__lt=UNTIL).count(),
        "proposals_forwarded": moved(Proposal, ["forwarded"]),
        "advisory_received": AdvisoryRequest.objects.filter(
            **live, received_at__gte=SINCE, received_at__lt=UNTIL).count(),
        "advisory_answered": AdvisoryRequest.objects.filter(
            **live, first_response_at__gte=SINCE, first_response_at__lt=UNTIL).count(),
        "forums_attended": ForumParticipation.objects.filter(
            **live, meeting__status__in=held, meeting__starts_at__gte=SINCE,
            meeting__starts_at__lt=UNTIL).count(),
        "positions_submitted": GroupPosition.objects.filter(**live, **on("submitted_on")).count(),
        "engagement_log": EngagementLogEntry.objects.filter(**live, **on("date")).count(),
        "news_published": Post.objects.filter(
            **live, kind="news", published_at__gte=SINCE, published_at__lt=UNTIL).count(),
        "plan_items_done": PlanItem.objects.filter(**live, **on("done_on")).count(),
        "tasks_done": Task.objects.filter(
            group=group, status="done", transitions__to_status="done",
            transitions__at__gte=SINCE, transitions__at__lt=UNTIL).distinct().count(),
        "tasks_overdue": Task.objects.filter(
            group=group, status__in=["open", "in_progress"], due_on__lt=END,
            created_at__lt=UNTIL).count(),
    }


@pytest.fixture
def made(group):
    return add_activity(group)


def test_it_covers_every_objective_in_order_and_no_governance_rule(group, made):
    data = _compile(_report(group))
    assert [o["code"] for o in data["objectives"]] == CODES


def test_it_counts_what_a_query_over_the_records_counts(group, made):
    data = _compile(_report(group))
    expected = _expected(group)
    seen = set()
    for objective in data["objectives"]:
        for measure in objective["measures"]:
            if measure["key"] in expected:
                assert measure["count"] == expected[measure["key"]], measure["key"]
                seen.add(measure["key"])
    assert seen == set(expected)
    # the extra activity shows in every one of those counts
    assert all(expected[k] >= 4 for k in ("meetings_held", "papers_cleared", "forums_attended",
                                          "engagement_log", "tasks_done"))


def test_it_counts_outcomes_and_response_times(group, made):
    from advisory.models import AdvisoryRequest
    from papers.models import Paper

    data = _compile(_report(group))
    by_key = {m["key"]: m for o in data["objectives"] for m in o["measures"]}
    submitted = Paper.objects.filter(group=group, archived_at__isnull=True,
                                     submitted_on__gte=START, submitted_on__lte=END)
    outcomes = by_key["papers_submitted"]["outcomes"]
    assert outcomes["endorsed"] == submitted.filter(outcome="endorsed").count() >= 1
    assert outcomes["deferred"] == submitted.filter(outcome="deferred").count() >= 1
    assert outcomes["awaiting"] == submitted.filter(outcome="").count() >= 1
    answered = AdvisoryRequest.objects.filter(
        group=group, archived_at__isnull=True, first_response_at__gte=SINCE,
        first_response_at__lt=UNTIL)
    longest = max((r.first_response_at - r.received_at).total_seconds() / 86400
                  for r in answered)
    assert by_key["advisory_answered"]["response_days_longest"] == round(longest, 1)
    assert by_key["advisory_answered"]["response_days_median"] is not None


def test_it_plans_and_counts_the_tasks_of_an_objectives_plan_items(group, made):
    from plan.models import PlanItem
    from tasks.models import Task

    data = _compile(_report(group))
    s2 = next(o for o in data["objectives"] if o["code"] == "S2")
    objective = Objective.objects.get(group=group, code="S2")
    planned = PlanItem.objects.filter(
        objectives=objective, archived_at__isnull=True).filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=END)).filter(
        Q(done_on__isnull=True) | Q(done_on__gte=START))
    assert s2["planned"]["count"] == planned.count() >= 4
    assert s2["tasks"]["done"]["count"] == Task.objects.filter(
        plan_item__objectives=objective, status="done", transitions__to_status="done",
        transitions__at__gte=SINCE, transitions__at__lt=UNTIL).distinct().count() == 4
    assert s2["tasks"]["overdue"]["count"] == Task.objects.filter(
        plan_item__objectives=objective, status__in=["open", "in_progress"],
        due_on__lt=END).count() >= 4
    assert s2["active"]


def test_it_flags_objectives_without_activity(group, made):
    data = _compile(_report(group))
    inactive = {o["code"] for o in data["objectives"] if not o["active"]}
    # nothing in the record forwards a proposal, joins a paper or imports indicators in 2026
    assert {"G5", "G6", "S11"} <= inactive
    assert "S7" not in inactive
    doc = annual.document(_report(group), data, "en")
    flagged = {s.anchor for s in doc.sections if s.flagged}
    assert flagged == {f"objective-{code}" for code in inactive}
    g5 = next(s for s in doc.sections if s.anchor == "objective-G5")
    assert any(isinstance(b, Paragraph) and b.style == "flag" for b in g5.blocks)


def _named_titles(data) -> list[str]:
    titles = []
    for o in data["objectives"]:
        listings = [*o["measures"], o["planned"], o["tasks"]["done"], o["tasks"]["overdue"]]
        titles += [item["title_en"] for listing in listings for item in listing["items"]]
    return titles


def test_a_members_report_counts_restricted_records_but_never_names_them(group, made):
    data = _compile(_report(group, "members"))
    titles = [t for t in _named_titles(data) if MARK in t]
    assert any(t.startswith("[members]") for t in titles)
    assert any(t.startswith("[public]") for t in titles)
    assert not any(t.startswith(("[restricted]", "[core]")) for t in titles)
    meetings = next(m for o in data["objectives"] for m in o["measures"]
                    if m["key"] == "meetings_held")
    assert meetings["not_listed_level"] >= 2  # the core and restricted meetings, counted
    assert meetings["count"] == len(meetings["items"]) + meetings["not_listed_level"]
    doc = annual.document(_report(group, "members"), data, "en")
    text = json.dumps([str(s) for s in doc.sections])
    assert "more not listed at this level" in text
    assert "[restricted]" not in text and "[core]" not in text


def test_a_public_report_names_only_public_records(group, made):
    data = _compile(_report(group, "public"))
    titles = _named_titles(data)
    assert titles and all(t.startswith("[public]") or "[" not in t[:1] for t in titles)
    assert not any(t.startswith(("[members]", "[core]", "[restricted]")) for t in titles)


def test_a_restricted_report_still_never_names_restricted_records(group, made):
    data = _compile(_report(group, "restricted"))
    titles = _named_titles(data)
    # Its readers are the people it names, who need not be members: public records only.
    assert titles and all(t.startswith("[public]") or "[" not in t[:1] for t in titles)


def test_it_carries_the_assessment_and_the_flow(group, made):
    report = _report(group)
    good = RatingLevel.objects.create(group=group, slug="good", label_en="Good",
                                      label_fr="Bon", score=3)
    g1 = Objective.objects.get(group=group, code="G1")
    ObjectiveAssessment.objects.create(report=report, objective=g1, rating=good,
                                       outcomes_en="Two papers.", lessons_fr="Des leçons.")
    step = FlowStep.objects.create(group=group, name_en="Test step", name_fr="Étape de test",
                                   order=99)
    ChecklistItem.objects.create(step=step, text_en="Tasks recorded",
                                 automatic="tasks_recorded")
    ChecklistItem.objects.create(step=step, text_en="All rated", automatic="all_rated")
    manual = ChecklistItem.objects.create(step=step, text_en="Discussed", order=3)
    ChecklistTick.objects.create(report=report, item=manual, done=True, note="At the meeting")
    data = _compile(report)
    g1_data = data["objectives"][0]
    assert g1_data["assessment"]["rating"] == {"slug": "good", "label_en": "Good",
                                               "label_fr": "Bon", "score": 3}
    assert data["objectives"][1]["assessment"] is None
    test_step = next(s for s in data["flow"] if s["name_en"] == "Test step")
    assert data["flow"][-1] is test_step  # in the group's order
    items = {i["text_en"]: i for i in test_step["items"]}
    assert items["Tasks recorded"]["done"] is True  # the activity's tasks were created now
    assert items["All rated"]["done"] is False
    assert items["Discussed"] == {"text_en": "Discussed", "text_fr": "", "automatic": "",
                                  "done": True, "note": "At the meeting"}
    assert "Bon" in [level["label_fr"] for level in data["rating_scale"]]
    assert data["totals"]["rated"] == 1
    doc = annual.document(report, data, "en")
    g1_sections = [s for s in doc.sections if s.anchor.startswith("objective-G1")]
    lessons = next(s for s in g1_sections if s.anchor == "objective-G1-lessons")
    assert lessons.blocks[0].text == "Des leçons."  # falls back to French
    recommendations = next(s for s in g1_sections
                           if s.anchor == "objective-G1-recommendations")
    assert recommendations.blocks[0].style == "todo"


def test_the_document_has_its_sections_in_order(group, made):
    report = _report(group)
    data = _compile(report)
    doc = annual.document(report, data, "en")
    level1 = [s for s in doc.sections if s.level == 1]
    assert [s.heading for s in level1[:2]] == ["Summary", "Overview"]
    assert level1[-1].heading == "Assessment flow"
    objectives = level1[2:-1]
    assert [s.anchor for s in objectives] == [f"objective-{c}" for c in CODES]
    assert objectives[0].heading.startswith("G1 — Proactively prepare")
    assert doc.sections[0].blocks[0].style == "todo"  # no summary written yet
    overview = level1[1].blocks[0]
    assert len(overview.rows) == len(CODES)
    subs = [s.heading for s in doc.sections if s.anchor.startswith("objective-G1-")]
    assert subs == ["Planned", "What was done", "Outputs and outcomes", "Self-assessment",
                    "Lessons", "Recommendations"]


def test_the_french_document_has_french_headings(group, made):
    report = _report(group)
    report.summary_fr = "Une année de travail."
    report.save()
    data = _compile(report)
    doc = annual.document(report, data, "fr")
    assert doc.language == "fr" and doc.title == "Rapport d'évaluation annuel 2026"
    g1 = next(s for s in doc.sections if s.anchor == "objective-G1")
    assert g1.heading.startswith("G1 — Préparer de manière proactive")
    assert doc.sections[0].blocks[0].text == "Une année de travail."
    assert isinstance(doc.sections[0], Section)


def test_compiling_costs_the_same_queries_with_more_records(group, made):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = _report(group)
    _compile(report)
    with CaptureQueriesContext(connection) as first:
        _compile(report)
    for copy in range(1, 4):
        add_activity(group, copy)
    with CaptureQueriesContext(connection) as second:
        _compile(report)
    assert len(second) == len(first)
