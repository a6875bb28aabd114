"""What counts as activity for an objective: a registry of measures over the record (papers
cleared and submitted, decisions assessed, …), each one query, and the ICT group's default
attribution of measures to its objectives (`DEFAULT_MEASURES`, stored as ObjectiveMeasure rows
the secretariat can change).

A measure's `queryset(group, start, end)` gives the live records of one activity dated in the
period (both days included, in the site's time zone), annotated with:
- `on`: the date that puts the record in the period (a meeting's start, the day a paper was
  cleared, …), a date or a datetime;
- `record_level`: the dissemination level that decides whether a report may name the record
  (a task has the level of the item it is about; a task about nothing is for members).
Every figure is one query over that queryset, whatever the data.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from advisory.models import AdvisoryRequest
from decisions.models import (
    Decision,
    DecisionOption,
    DecisionTransition,
    Proposal,
    ProposalTransition,
)
from directory.models import EngagementLogEntry
from engagement.models import ForumParticipation, GroupPosition
from indicators.models import ImportBatch
from meetings.models import Meeting
from members.models import Objective
from papers.models import BriefDelivery, Paper, PaperTransition, Tag
from plan.models import PlanItem
from talanoa.access import Viewer, visible, visible_tasks
from tasks.models import Task, TaskTransition

# Dissemination levels from the widest audience to the narrowest.
LEVELS = ("public", "members", "core", "restricted")


def nameable_levels(report_level: str) -> list[str]:
    """Levels whose records a report at `report_level` may name: no narrower than the report's
    own, and never a restricted record (its audience is the people it names, not the report's).
    A restricted report names public records only: the people it names need not be members of
    the group, so even a members-level title could reach someone who may not read it."""
    if report_level == "restricted":
        return ["public"]
    allowed = LEVELS[:LEVELS.index(report_level) + 1] if report_level in LEVELS else LEVELS[:1]
    return list(allowed)


def period_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime,
                                                                      datetime.datetime]:
    """The period as instants: from the start of `start` to the end of `end`, in the site's
    zone (a record of 31 December late at night in Suva belongs to that year)."""
    zone = timezone.get_default_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, zone),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone))


def _in_period(field_name: str, start: datetime.date, end: datetime.date,
               is_datetime: bool) -> Q:
    if is_datetime:
        since, until = period_bounds(start, end)
        return Q(**{f"{field_name}__gte": since, f"{field_name}__lt": until})
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": end})


# --- Records dated by a step of their lifecycle (a transition row) -----------------------------

def _reached(model: type[Model], transition: type[Model], fk: str, statuses: list[str],
             start: datetime.date, end: datetime.date) -> Subquery:
    """The last time in the period each record reached one of `statuses` (NULL: never)."""
    since, until = period_bounds(start, end)
    steps = (transition.objects.filter(**{fk: OuterRef("pk")}, to_status__in=statuses,
                                       at__gte=since, at__lt=until)
             .order_by("-at").values("at")[:1])
    return Subquery(steps, output_field=DateTimeField())


def live(model: type[Model], group) -> QuerySet:
    return model.objects.filter(group=group, archived_at__isnull=True)


def dated(queryset: QuerySet, on, start, end, is_datetime: bool) -> QuerySet:
    """Annotate `on` and keep the records whose `on` falls in the period."""
    return (queryset.annotate(on=on, record_level=F("level"))
            .filter(_in_period("on", start, end, is_datetime)))


def _by_step(model, transition, fk, statuses):
    def records(group, start, end):
        return (live(model, group)
                .annotate(on=_reached(model, transition, fk, statuses, start, end),
                          record_level=F("level"))
                .filter(on__isnull=False))
    return records


# --- Meetings (R5, S3, S15) --------------------------------------------------------------------

def _meetings(kinds: list[str]):
    def records(group, start, end):
        held = [Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED]
        return dated(live(Meeting, group).filter(kind__in=kinds, status__in=held),
                      F("starts_at"), start, end, True)
    return records


# --- Papers (G1, G4, G5, S10) ------------------------------------------------------------------

def _papers_reaching(statuses: list[str], only: Callable[[QuerySet], QuerySet] = lambda q: q):
    def records(group, start, end):
        return only(_by_step(Paper, PaperTransition, "paper", statuses)(group, start, end))
    return records


def _papers_submitted(group, start, end):
    return dated(live(Paper, group), F("submitted_on"), start, end, False)


def _paper_outcomes(queryset: QuerySet) -> dict:
    """Papers submitted in the period by what the body decided (awaiting: no outcome yet)."""

    counts = {row["outcome"] or "awaiting": row["n"]
              for row in queryset.order_by().values("outcome").annotate(n=Count("pk"))}
    return {"outcomes": {key: counts.get(key, 0)
                         for key in [*Paper.Outcome.values, "awaiting"]}}


def _joint_papers(group, start, end):
    """Papers of the group with co-owning groups, and other groups' papers it co-owns (G5),
    cleared, submitted or published in the period."""

    co_owned = Paper.co_groups.through.objects.filter(paper_id=OuterRef("pk"))
    steps = ["cleared", "submitted", "published"]
    return (Paper.objects.filter(archived_at__isnull=True)
            .filter((Q(group=group) & Q(Exists(co_owned)))
                    | Q(Exists(co_owned.filter(workinggroup_id=group.pk))))
            .annotate(on=_reached(Paper, PaperTransition, "paper", steps, start, end),
                      record_level=F("level"))
            .filter(on__isnull=False))


def _briefs_sent(group, start, end):
    """Published briefs sent to Pacific Missions (G4), dated by the last address reached."""

    since, until = period_bounds(start, end)
    sent = BriefDelivery.objects.filter(paper_id=OuterRef("pk"), sent_at__gte=since,
                                        sent_at__lt=until)
    return (live(Paper, group)
            .annotate(on=Subquery(sent.order_by("-sent_at").values("sent_at")[:1],
                                  output_field=DateTimeField()),
                      record_level=F("level"))
            .filter(on__isnull=False))


def _addresses_reached(queryset: QuerySet, start, end) -> dict:
    since, until = period_bounds(start, end)
    return {"addresses": BriefDelivery.objects.filter(
        paper__in=queryset.order_by().values("pk"), sent_at__gte=since,
        sent_at__lt=until).count()}


def _with_sdg(queryset: QuerySet) -> QuerySet:
    tagged = Paper.tags.through.objects.filter(paper_id=OuterRef("pk"), tag__kind=Tag.Kind.SDG)
    return queryset.filter(Exists(tagged))


def _strategies(queryset: QuerySet) -> QuerySet:
    return queryset.filter(kind__slug="strategy")


# --- Decisions and proposals (G2, G3) ----------------------------------------------------------

def _decisions_assessed(group, start, end):
    """Decisions concerning ICT of sittings in the period on which the group wrote its
    assessment (analysis, advice or options)."""

    options = DecisionOption.objects.filter(decision_id=OuterRef("pk"))
    assessed = (~Q(analysis_en="") | ~Q(analysis_fr="") | ~Q(advice_en="") | ~Q(advice_fr="")
                | Q(Exists(options)))
    return dated(live(Decision, group).filter(assessed, concerns_ict=True),
                  F("decided_on"), start, end, False)


def _decisions_followed(group, start, end):
    statuses = [s for s in Decision.Status.values if s != Decision.Status.NOT_STARTED]
    return _by_step(Decision, DecisionTransition, "decision", statuses)(group, start, end)


def _proposals_submitted(group, start, end):
    return dated(live(Proposal, group), F("submitted_at"), start, end, True)


def _proposals_forwarded(group, start, end):
    return _by_step(Proposal, ProposalTransition, "proposal", ["forwarded"])(group, start, end)


# --- Advisory requests (S1, S5, S9) ------------------------------------------------------------

def _advisory_received(group, start, end):
    return dated(live(AdvisoryRequest, group), F("received_at"), start, end, True)


def _advisory_answered(group, start, end):
    """Requests first answered in the period."""

    return dated(live(AdvisoryRequest, group), F("first_response_at"), start, end, True)


def _response_days(queryset: QuerySet) -> dict:
    """Days from receipt to the first answer: median and longest (one decimal)."""
    days = [round((first - received).total_seconds() / 86400, 1) for received, first in
            queryset.order_by().values_list("received_at", "first_response_at")]
    return {"response_days_median": round(statistics.median(days), 1) if days else None,
            "response_days_longest": max(days) if days else None}


# --- Engagement (S7, S8, S12, S14) -------------------------------------------------------------

def _forums_attended(group, start, end):
    held = [Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED]
    return dated(live(ForumParticipation, group).filter(meeting__status__in=held),
                  F("meeting__starts_at"), start, end, True)


def _positions_submitted(group, start, end):
    return dated(live(GroupPosition, group), F("submitted_on"), start, end, False)


def _engagement_log(group, start, end):
    return dated(live(EngagementLogEntry, group), F("date"), start, end, False)


# --- Tasks and the work plan (S2, S3, S6) ------------------------------------------------------

def task_level() -> Case:
    """A task's level: the level of the item it is about (restricted while that item is
    archived: only editors see it then); members for a task about nothing."""

    whens = []
    for name in Task.LINKS:
        whens.append(When(**{f"{name}__archived_at__isnull": False}, then=Value("restricted")))
        whens.append(When(**{f"{name}__isnull": False}, then=F(f"{name}__level")))
    return Case(*whens, default=Value("members"), output_field=CharField())


def tasks_done(queryset: QuerySet, start, end) -> QuerySet:
    """Tasks of `queryset` done now and marked done in the period (dated by that step)."""

    since, until = period_bounds(start, end)
    step = (TaskTransition.objects.filter(task_id=OuterRef("pk"), to_status=Task.Status.DONE,
                                          at__gte=since, at__lt=until)
            .order_by("-at").values("at")[:1])
    return (queryset.filter(status=Task.Status.DONE)
            .annotate(on=Subquery(step, output_field=DateTimeField()), record_level=task_level())
            .filter(on__isnull=False))


def tasks_overdue(queryset: QuerySet, start, end) -> QuerySet:
    """Tasks of `queryset` overdue at the end of the period: created by then, due before its
    last day, and not done or dropped by then."""

    _since, until = period_bounds(start, end)
    closed = [Task.Status.DONE, Task.Status.DROPPED]
    closed_by_then = TaskTransition.objects.filter(task_id=OuterRef("pk"), to_status__in=closed,
                                                   at__lt=until)
    return (queryset.filter(created_at__lt=until, due_on__lt=end)
            .filter(Q(status__in=Task.OPEN_STATUSES) | ~Q(Exists(closed_by_then)))
            .annotate(on=F("due_on"), record_level=task_level()))


def _group_tasks(group) -> QuerySet:
    return Task.objects.filter(group=group)


def _plan_items_done(group, start, end):
    return dated(live(PlanItem, group), F("done_on"), start, end, False)


# --- Indicators, reports, the portal (S4, S11, G6, S13) ----------------------------------------

def _indicator_imports(group, start, end):
    """Indicator imports applied (the indicators are shared public statistics: every group's
    record, named by their file)."""

    return (ImportBatch.objects.filter(status=ImportBatch.Status.APPLIED)
            .annotate(on=F("applied_at"), record_level=Value("public", output_field=CharField()))
            .filter(_in_period("on", start, end, True)))


def _reports(kind: str):
    def records(group, start, end):
        from reports.models import Report

        return dated(live(Report, group).filter(kind=kind), F("paper__submitted_on"),
                      start, end, False)
    return records


# --- Naming records ----------------------------------------------------------------------------

def _titled(obj) -> tuple[str, str]:
    return obj.title_en or obj.title_fr, obj.title_fr or obj.title_en


def _forum_title(obj) -> tuple[str, str]:
    return _titled(obj.meeting)


def _task_title(obj) -> tuple[str, str]:
    return obj.title, obj.title


def _log_title(obj) -> tuple[str, str]:
    text = f"{obj.organisation.short}: {obj.summary[:120]}"
    return text, text


def _batch_title(obj) -> tuple[str, str]:
    text = obj.source or obj.file_name
    return text, text


@dataclass(frozen=True)
class Measure:
    key: str
    # the model whose records it counts ("papers.Paper")
    model_label: str
    label: Promise
    # records(group, start, end): see the module's docstring
    records: Callable[..., QuerySet]
    # "item": a Protected model (talanoa.access.visible); "task": visible_tasks; "public":
    # records every reader may see (indicator imports)
    policy: str = "item"
    # Activity, or a state that is not (tasks overdue): only activity makes an objective active
    # and colours the heat map.
    activity: bool = True
    related: tuple[str, ...] = ()
    title: Callable[[Model], tuple[str, str]] = _titled
    extras: Callable[..., dict] | None = None
    # extras take (queryset) or (queryset, start, end)
    extras_need_period: bool = False

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)

    def queryset(self, group, start: datetime.date, end: datetime.date) -> QuerySet:
        return self.records(group, start, end)

    def for_viewer(self, queryset: QuerySet, viewer: Viewer) -> QuerySet:
        if self.policy == "task":
            return visible_tasks(queryset, viewer)
        if self.policy == "item":
            return visible(queryset, viewer)
        return queryset

    def figures(self, queryset: QuerySet, start, end) -> dict:
        if self.extras is None:
            return {}
        return self.extras(queryset, start, end) if self.extras_need_period else (
            self.extras(queryset))

    def describe(self, obj) -> dict:
        """A record as the report and the heat map name it (JSON-serialisable)."""
        title_en, title_fr = self.title(obj)
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        return {"title_en": title_en, "title_fr": title_fr, "url": url,
                "on": as_local_date(obj.on).isoformat() if obj.on else "",
                "level": obj.record_level}


def as_local_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, timezone.get_default_timezone()).date()
    return value


def _group_tasks_done(group, start, end):
    return tasks_done(_group_tasks(group), start, end)


def _group_tasks_overdue(group, start, end):
    return tasks_overdue(_group_tasks(group), start, end)


MEASURES: dict[str, Measure] = {m.key: m for m in [
    Measure("meetings_held", "meetings.Meeting", _("Meetings of the group held"),
            _meetings(["working_group", "taskforce"])),
    Measure("ministers_meetings", "meetings.Meeting", _("ICT Ministers' Meetings held"),
            _meetings(["ministers"])),
    Measure("papers_cleared", "papers.Paper", _("Papers cleared by the group"),
            _papers_reaching(["cleared"]), related=("kind",)),
    Measure("papers_submitted", "papers.Paper", _("Papers submitted to a body"),
            _papers_submitted, extras=_paper_outcomes),
    Measure("joint_papers", "papers.Paper", _("Joint papers with other working groups"),
            _joint_papers),
    Measure("briefs_sent", "papers.Paper", _("Briefs sent to Pacific Missions"),
            _briefs_sent, extras=_addresses_reached, extras_need_period=True),
    Measure("sdg_papers", "papers.Paper", _("Papers on Sustainable Development Goal targets"),
            _papers_reaching(["cleared", "submitted", "published"], _with_sdg)),
    Measure("strategies", "papers.Paper", _("Strategies cleared, submitted or published"),
            _papers_reaching(["cleared", "submitted", "published"], _strategies)),
    Measure("decisions_assessed", "decisions.Decision",
            _("Decisions of governing bodies assessed"), _decisions_assessed),
    Measure("decisions_followed", "decisions.Decision",
            _("Decisions whose implementation moved on"), _decisions_followed),
    Measure("proposals_submitted", "decisions.Proposal",
            _("Regional priority proposals submitted"), _proposals_submitted),
    Measure("proposals_forwarded", "decisions.Proposal",
            _("Proposals forwarded by CROP Executives"), _proposals_forwarded),
    Measure("advisory_received", "advisory.AdvisoryRequest", _("Advisory requests received"),
            _advisory_received),
    Measure("advisory_answered", "advisory.AdvisoryRequest", _("Advisory requests answered"),
            _advisory_answered, extras=_response_days),
    Measure("forums_attended", "engagement.ForumParticipation",
            _("Regional and international forums attended"), _forums_attended,
            related=("meeting",), title=_forum_title),
    Measure("positions_submitted", "engagement.GroupPosition", _("Group positions submitted"),
            _positions_submitted, related=("process__body",)),
    Measure("tasks_done", "tasks.Task", _("Tasks done"), _group_tasks_done, policy="task",
            title=_task_title),
    Measure("tasks_overdue", "tasks.Task", _("Tasks overdue at the end of the period"),
            _group_tasks_overdue, policy="task", activity=False, title=_task_title),
    Measure("plan_items_done", "plan.PlanItem", _("Work plan items completed"),
            _plan_items_done),
    Measure("engagement_log", "directory.EngagementLogEntry", _("Engagement log entries"),
            _engagement_log, related=("organisation",), title=_log_title),
    Measure("indicator_imports", "indicators.ImportBatch", _("Indicator data imports applied"),
            _indicator_imports, policy="public", title=_batch_title),
    Measure("ict_reports", "reports.Report", _("ICT development reports submitted"),
            _reports("ict")),
    Measure("annual_reports", "reports.Report", _("Annual assessment reports submitted"),
            _reports("annual")),
]}


def register(measure: Measure) -> None:
    """A measure of an app above reports (the portal's news), added by its AppConfig.ready()."""
    MEASURES.setdefault(measure.key, measure)

# Objective code → measure keys. The G objectives are common to every CROP working group (every
# group gets them); the S objectives are the ICT group's terms of reference.
GENERIC_MEASURES: dict[str, list[str]] = {
    "G1": ["papers_cleared", "papers_submitted"],
    "G2": ["decisions_assessed", "decisions_followed"],
    "G3": ["proposals_submitted", "proposals_forwarded"],
    "G4": ["briefs_sent", "sdg_papers"],
    "G5": ["joint_papers"],
    "G6": ["annual_reports"],
}
DEFAULT_MEASURES: dict[str, list[str]] = {
    **GENERIC_MEASURES,
    "S1": ["advisory_received", "engagement_log"],
    "S2": ["plan_items_done"],
    "S3": ["meetings_held", "tasks_done", "tasks_overdue"],
    "S4": ["indicator_imports"],
    "S5": ["advisory_answered"],
    "S6": ["meetings_held", "plan_items_done"],
    "S7": ["forums_attended", "positions_submitted"],
    "S8": ["positions_submitted"],
    "S9": ["advisory_received", "advisory_answered"],
    "S10": ["strategies"],
    "S11": ["ict_reports"],
    "S12": ["engagement_log"],
    "S13": ["news_published"],
    "S14": ["forums_attended"],
    "S15": ["ministers_meetings"],
}


def default_measures_for(group) -> dict[str, list[str]]:
    return DEFAULT_MEASURES if group.slug == settings.DEFAULT_GROUP_SLUG else GENERIC_MEASURES


def ensure_default_measures(group) -> int:
    """Give the group's objectives their default measures, once: a group that has any
    ObjectiveMeasure keeps exactly what the secretariat set. Returns how many were added."""
    from reports.models import ObjectiveMeasure

    if ObjectiveMeasure.objects.filter(objective__group=group).exists():
        return 0
    mapping = default_measures_for(group)
    rows = [ObjectiveMeasure(objective=objective, measure=key, order=order)
            for objective in Objective.objects.filter(group=group, code__in=list(mapping))
            for order, key in enumerate(mapping[objective.code])]
    ObjectiveMeasure.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
