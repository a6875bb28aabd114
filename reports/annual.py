"""The annual assessment report (G6): compiled from the record, objective by objective.

Contract (reports.tasks calls these; reports.export renders the Document):
- `step_count(report) -> int`: how many times compile_annual will call `progress`.
- `compile_annual(report, progress) -> dict`: JSON-serialisable, frozen into ReportRun.data.
- `document(report, data, language) -> reports.document.Document`.

Counts include every live record, whatever its level; names are listed only for records a
reader of the report may see (`reports.measures.nameable_levels`), so the document says how
many more there are without naming them. The report covers the generic and specific objectives
(never the governance rules), in the group's order. Each measure is computed once, however many
objectives share it: a constant number of queries per measure and per objective.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from members.models import Objective
from plan.models import PlanItem
from reports import checks
from reports.document import Document, Paragraph, Section, Table
from reports.measures import (
    MEASURES,
    Measure,
    ensure_default_measures,
    nameable_levels,
    tasks_done,
    tasks_overdue,
)
from reports.models import (
    ChecklistTick,
    FlowStep,
    ObjectiveAssessment,
    ObjectiveMeasure,
    RatingLevel,
    Report,
)
from tasks.models import Task

Progress = Callable[[str], None]

# At most this many names per list; the rest are counted ("and 12 more").
NAME_LIMIT = 3
OUTCOME_KEYS = ("endorsed", "noted", "deferred", "returned", "awaiting")


def report_objectives(group) -> QuerySet[Objective]:
    """The objectives an annual report covers: G and S, not the governance rules (R)."""
    return (Objective.objects.filter(group=group)
            .exclude(kind=Objective.Kind.GOVERNANCE).order_by("order", "pk"))


def step_count(report: Report) -> int:
    return report_objectives(report.group).count()


# --- Compiling ---------------------------------------------------------------------------------

def _listing(queryset: QuerySet, describe: Callable, levels: list[str],
             related: tuple[str, ...] = ()) -> dict:
    """Count every record; name the first NAME_LIMIT of those at a nameable level (two
    queries)."""
    counts = queryset.order_by().aggregate(
        total=Count("pk", distinct=True),
        nameable=Count("pk", distinct=True, filter=Q(record_level__in=levels)))
    named = queryset.filter(record_level__in=levels)
    if related:
        named = named.select_related(*related)
    named = named.order_by("on", "pk")[:NAME_LIMIT]
    items = [describe(obj) for obj in named] if counts["nameable"] else []
    return {"count": counts["total"], "items": items,
            "not_listed_level": counts["total"] - counts["nameable"],
            "not_listed_more": counts["nameable"] - len(items)}


def _labels(measure: Measure) -> dict:
    with translation.override("en"):
        label_en = str(measure.label)
    with translation.override("fr"):
        label_fr = str(measure.label)
    return {"label_en": label_en, "label_fr": label_fr}


def _measure_data(measure: Measure, report: Report, levels: list[str]) -> dict:
    start, end = report.period_start, report.period_end
    queryset = measure.queryset(report.group, start, end)
    return {"key": measure.key, **_labels(measure), "activity": measure.activity,
            **_listing(queryset, measure.describe, levels, measure.related),
            **measure.figures(queryset, start, end)}


def _plan_item(obj) -> dict:
    return {"title_en": obj.title_en or obj.title_fr, "title_fr": obj.title_fr or obj.title_en,
            "url": obj.get_absolute_url(),
            "on": obj.due_on.isoformat() if obj.due_on else "", "level": obj.record_level}


def planned_items(objective: Objective, start: datetime.date, end: datetime.date) -> QuerySet:
    """Live work plan items serving the objective whose span meets the period: started by its
    end (or undated), and not done before it began."""
    from django.db.models import F


    return (PlanItem.objects.filter(objectives=objective, archived_at__isnull=True)
            .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=end))
            .filter(Q(done_on__isnull=True) | Q(done_on__gte=start))
            .annotate(on=F("due_on"), record_level=F("level")))


def _task_describe(obj) -> dict:
    return MEASURES["tasks_done"].describe(obj)


def _task_listings(group, objective_ids: list[int], start: datetime.date, end: datetime.date,
                   levels: list[str]) -> dict[str, dict[int, dict]]:
    """The tasks done and overdue about each objective's work plan items, as `_listing` gives
    them, for all objectives at once: one query of (task, objective, level, date) per kind and
    one for the names, instead of two per objective and kind (which, with a task's level being
    a large CASE over what it is about, were most of a compilation's time)."""

    about = Task.objects.filter(plan_item__objectives__in=objective_ids)
    listings: dict[str, dict[int, dict]] = {}
    for kind, select in (("done", tasks_done), ("overdue", tasks_overdue)):
        rows = (select(about, start, end).annotate(objective_id=F("plan_item__objectives"))
                .values_list("objective_id", "pk", "record_level", "on").order_by("on", "pk"))
        seen: dict[int, dict[int, str]] = {pk: {} for pk in objective_ids}
        for objective_id, task_id, level, _on in rows:
            seen[objective_id].setdefault(task_id, level)
        chosen = {pk: [t for t, level in tasks.items() if level in levels][:NAME_LIMIT]
                  for pk, tasks in seen.items()}
        wanted = {t for tasks in chosen.values() for t in tasks}
        described = {task.pk: _task_describe(task) for task in select(
            Task.objects.filter(pk__in=wanted), start, end)} if wanted else {}
        listings[kind] = {}
        for pk, tasks in seen.items():
            nameable = sum(1 for level in tasks.values() if level in levels)
            items = [described[t] for t in chosen[pk] if t in described]
            listings[kind][pk] = {"count": len(tasks), "items": items,
                                  "not_listed_level": len(tasks) - nameable,
                                  "not_listed_more": nameable - len(items)}
    return listings


def _assessment_data(assessment: ObjectiveAssessment | None) -> dict | None:
    if assessment is None:
        return None
    rating = assessment.rating
    return {
        "rating": None if rating is None else {
            "slug": rating.slug, "label_en": rating.label_en, "label_fr": rating.label_fr,
            "score": rating.score},
        **{f"{name}_{lang}": getattr(assessment, f"{name}_{lang}")
           for name in ("outcomes", "lessons", "recommendations") for lang in ("en", "fr")},
    }


def _compile_objective(objective: Objective, report: Report, measure_keys: list[str],
                       computed: dict[str, dict], levels: list[str],
                       assessment: ObjectiveAssessment | None,
                       task_listings: dict[str, dict[int, dict]]) -> dict:
    start, end = report.period_start, report.period_end
    measures = []
    for key in measure_keys:
        measure = MEASURES.get(key)
        if measure is None:  # a key the secretariat stored that no longer exists
            continue
        if key not in computed:
            computed[key] = _measure_data(measure, report, levels)
        measures.append(computed[key])
    done, overdue = task_listings["done"][objective.pk], task_listings["overdue"][objective.pk]
    activity = sum(m["count"] for m in measures if m["activity"]) + done["count"]
    return {
        "code": objective.code, "kind": objective.kind,
        "text_en": objective.text_en, "text_fr": objective.text_fr,
        "planned": _listing(planned_items(objective, start, end), _plan_item, levels),
        "measures": measures,
        "tasks": {"done": done, "overdue": overdue},
        "activity": activity,
        "active": activity > 0,
        "assessment": _assessment_data(assessment),
    }


def _rating_scale(group) -> list[dict]:
    return [{"slug": r.slug, "label_en": r.label_en, "label_fr": r.label_fr,
             "description_en": r.description_en, "description_fr": r.description_fr,
             "score": r.score}
            for r in RatingLevel.objects.filter(group=group).order_by("order", "pk")]


def _flow(report: Report, data: dict) -> list[dict]:
    """Each step and its checklist: Talanoa's answer to an automatic point, else the person's
    tick (None: not answered yet)."""
    steps = list(FlowStep.objects.filter(group=report.group).prefetch_related("items")
                 .order_by("order", "pk"))
    ticks = {t.item_id: t for t in ChecklistTick.objects.filter(report=report)}
    flow = []
    for step in steps:
        items = []
        for item in step.items.all():
            automatic = item.automatic if item.automatic in checks.AUTOMATIC else ""
            tick = ticks.get(item.pk)
            items.append({
                "text_en": item.text_en, "text_fr": item.text_fr, "automatic": automatic,
                "done": (checks.evaluate(automatic, report, data) if automatic
                         else (tick.done if tick else None)),
                "note": "" if automatic or tick is None else tick.note})
        flow.append({"name_en": step.name_en, "name_fr": step.name_fr, "items": items})
    return flow


def _totals(report: Report, objectives: list[dict]) -> dict:
    start, end = report.period_start, report.period_end
    group_tasks = Task.objects.filter(group=report.group)
    from reports.measures import period_bounds

    since, until = period_bounds(start, end)
    return {
        "objectives": len(objectives),
        "active": sum(1 for o in objectives if o["active"]),
        "inactive": sum(1 for o in objectives if not o["active"]),
        "rated": sum(1 for o in objectives if (o["assessment"] or {}).get("rating")),
        "planned": sum(o["planned"]["count"] for o in objectives),
        "activity": sum(o["activity"] for o in objectives),
        "tasks_recorded": group_tasks.filter(created_at__gte=since, created_at__lt=until).count(),
        "tasks_done": tasks_done(group_tasks, start, end).count(),
        "tasks_overdue": tasks_overdue(group_tasks, start, end).count(),
    }


def _paper_state(report: Report) -> dict | None:
    paper = report.paper
    if paper is None:
        return None
    return {"status": paper.status,
            "submitted_on": paper.submitted_on.isoformat() if paper.submitted_on else None}


def compile_annual(report: Report, progress: Progress) -> dict:
    group = report.group
    ensure_default_measures(group)
    levels = nameable_levels(report.level)
    measure_keys: dict[int, list[str]] = {}
    for row in ObjectiveMeasure.objects.filter(objective__group=group).order_by("order", "pk"):
        measure_keys.setdefault(row.objective_id, []).append(row.measure)
    assessments = {a.objective_id: a for a in
                   ObjectiveAssessment.objects.filter(report=report).select_related("rating")}
    computed: dict[str, dict] = {}
    objectives = []
    to_compile = list(report_objectives(group))
    task_listings = _task_listings(group, [o.pk for o in to_compile], report.period_start,
                                   report.period_end, levels)
    for objective in to_compile:
        progress(objective.code)
        objectives.append(_compile_objective(
            objective, report, measure_keys.get(objective.pk, []), computed, levels,
            assessments.get(objective.pk), task_listings))
    data = {
        "report": {"id": report.pk, "level": report.level,
                   "title_en": report.title_en, "title_fr": report.title_fr,
                   "summary_en": report.summary_en, "summary_fr": report.summary_fr},
        "group": {"slug": group.slug, "name_en": group.name_en, "name_fr": group.name_fr},
        "period": {"start": report.period_start.isoformat(),
                   "end": report.period_end.isoformat()},
        "nameable_levels": levels,
        "compiled_at": timezone.now().isoformat(),
        "paper": _paper_state(report),
        "rating_scale": _rating_scale(group),
        "objectives": objectives,
    }
    data["totals"] = _totals(report, objectives)
    data["flow"] = _flow(report, data)
    return data


# --- The document ------------------------------------------------------------------------------

def _pick(record: dict | None, name: str, language: str) -> str:
    """A bilingual field of the frozen data in `language`, else the other language's."""
    if not record:
        return ""
    other = "fr" if language == "en" else "en"
    return record.get(f"{name}_{language}") or record.get(f"{name}_{other}") or ""


def _date(value: str) -> str:
    return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT") if value else ""


def _named(item: dict, language: str, due: bool) -> str:
    title = _pick(item, "title", language)
    if not item["on"]:
        return title
    when = _("due %(date)s") % {"date": _date(item["on"])} if due else _date(item["on"])
    return f"{title} ({when})"


def _names(listing: dict, language: str, due: bool = False) -> list:
    """The listed names (with their date, or their due date), then what is not listed and
    why."""
    blocks: list = []
    if listing["items"]:
        # One paragraph, not a list: the report stays brief (G6) and quick to lay out.
        blocks.append(Paragraph("; ".join(_named(item, language, due)
                                          for item in listing["items"]) + "."))
    if listing["not_listed_level"]:
        blocks.append(Paragraph(_("%(n)d more not listed at this level.")
                                % {"n": listing["not_listed_level"]}, style="note"))
    if listing["not_listed_more"]:
        blocks.append(Paragraph(_("%(n)d more not listed here.")
                                % {"n": listing["not_listed_more"]}, style="note"))
    return blocks


def _todo() -> Paragraph:
    return Paragraph(_("The secretariat has not written this part yet."), style="todo")


def _written(text: str) -> list:
    return [Paragraph(text, markdown=True)] if text.strip() else [_todo()]


def _rating_text(assessment: dict | None, language: str) -> str:
    rating = (assessment or {}).get("rating")
    return _pick(rating, "label", language) if rating else ""


def _heading(objective: dict, language: str) -> str:
    return f"{objective['code']} — {_pick(objective, 'text', language)}"


def _overview(report: Report, data: dict, language: str) -> Section:
    rows, links = [], {}
    for index, objective in enumerate(data["objectives"]):
        activity = str(objective["activity"])
        if not objective["active"]:
            activity = _("%(n)s (no recorded activity)") % {"n": activity}
        rows.append([_heading(objective, language), str(objective["planned"]["count"]),
                     activity,
                     _rating_text(objective["assessment"], language) or _("Not rated yet")])
        links[(index, 0)] = f"#objective-{objective['code']}"
    totals = data["totals"]
    table = Table(
        caption=_("Objectives: planned items, recorded activity and rating"),
        header=[_("Objective"), _("Planned"), _("Activity"), _("Rating")], rows=rows,
        numeric=[False, True, True, False], links=links,
        note=_("%(active)d of %(all)d objectives with recorded activity; %(rated)d rated.")
        % {"active": totals["active"], "all": totals["objectives"], "rated": totals["rated"]})
    coverage = settings.SITE_URL + reverse("reports:coverage", args=[
        report.group.slug, report.period_end.year])
    where = Paragraph(_("Lists in this report name at most %(n)d records each. The coverage of "
                        "the terms of reference lists every record counted, quarter by quarter, "
                        "to each reader who may see it: %(url)s")
                      % {"n": NAME_LIMIT, "url": coverage}, style="note")
    return Section(_("Overview"), anchor="overview", blocks=[table, where])


def _extra_figures(measure: dict) -> list[str]:
    figures = []
    if "outcomes" in measure:
        labels = {"endorsed": _("endorsed"), "noted": _("noted"), "deferred": _("deferred"),
                  "returned": _("returned with comments"), "awaiting": _("awaiting an outcome")}
        parts = [f"{labels[key]}: {measure['outcomes'].get(key, 0)}" for key in OUTCOME_KEYS]
        figures.append(_("Outcomes: %(list)s.") % {"list": "; ".join(parts)})
    if measure.get("response_days_median") is not None:
        figures.append(_("Days from receipt to the first answer: median %(median)s, longest "
                         "%(longest)s.") % {"median": formats.number_format(
                             measure["response_days_median"]),
                             "longest": formats.number_format(measure["response_days_longest"])})
    if "addresses" in measure:
        figures.append(_("Addresses reached: %(n)d.") % {"n": measure["addresses"]})
    return figures


def _done_blocks(objective: dict, language: str) -> list:
    measures = objective["measures"]
    tasks = objective["tasks"]
    rows = [[_pick(m, "label", language), str(m["count"])] for m in measures]
    rows.append([_("Tasks about its work plan items done"), str(tasks["done"]["count"])])
    rows.append([_("Tasks about its work plan items overdue at the end of the period"),
                 str(tasks["overdue"]["count"])])
    blocks: list = [Table(caption=_("Recorded activity"), header=[_("Measure"), _("Count")],
                          rows=rows, numeric=[False, True])]
    for measure in measures:
        figures = _extra_figures(measure)
        if not measure["count"] and not figures:
            continue
        blocks.append(Paragraph(_pick(measure, "label", language)))
        blocks.extend(Paragraph(text, style="note") for text in figures)
        blocks.extend(_names(measure, language))
    for key, label in (("done", _("Tasks done")),
                       ("overdue", _("Tasks overdue at the end of the period"))):
        if tasks[key]["count"]:
            blocks.append(Paragraph(label))
            blocks.extend(_names(tasks[key], language, due=key == "overdue"))
    return blocks


def _objective_sections(objective: dict, language: str) -> list[Section]:
    code = objective["code"]
    assessment = objective["assessment"] or {}
    head = Section(_heading(objective, language), level=1, anchor=f"objective-{code}",
                   flagged=not objective["active"])
    if not objective["active"]:
        head.blocks.append(Paragraph(_("No recorded activity in this period."), style="flag"))
    planned = objective["planned"]
    planned_blocks = ([Paragraph(_("%(n)d work plan items serve this objective in the period.")
                                 % {"n": planned["count"]})] if planned["count"]
                      else [Paragraph(_("No work plan item serves this objective in the "
                                        "period."), style="flag")])
    rating = _rating_text(assessment, language)
    return [
        head,
        Section(_("Planned"), level=2, anchor=f"objective-{code}-planned",
                blocks=planned_blocks + _names(planned, language, due=True)),
        Section(_("What was done"), level=2, anchor=f"objective-{code}-done",
                blocks=_done_blocks(objective, language)),
        Section(_("Outputs and outcomes"), level=2, anchor=f"objective-{code}-outcomes",
                blocks=_written(_pick(assessment, "outcomes", language))),
        Section(_("Self-assessment"), level=2, anchor=f"objective-{code}-rating",
                blocks=[Paragraph(_("Rating: %(rating)s") % {"rating": rating})] if rating
                else [_todo()]),
        Section(_("Lessons"), level=2, anchor=f"objective-{code}-lessons",
                blocks=_written(_pick(assessment, "lessons", language))),
        Section(_("Recommendations"), level=2, anchor=f"objective-{code}-recommendations",
                blocks=_written(_pick(assessment, "recommendations", language))),
    ]


def _flow_section(data: dict, language: str) -> Section:
    blocks: list = []
    scale = data.get("rating_scale") or []
    if scale:
        blocks.append(Paragraph(_("Rating scale: %(scale)s.") % {"scale": "; ".join(
            _pick(level, "label", language) for level in scale)}, style="note"))
    for step in data["flow"]:
        rows = []
        for item in step["items"]:
            if item["automatic"]:
                state = (_("Yes (checked by Talanoa)") if item["done"]
                         else _("Not yet (checked by Talanoa)"))
            else:
                state = _("Ticked") if item["done"] else _("Not yet")
                if item["note"]:
                    state = f"{state}: {item['note']}"
            rows.append([_pick(item, "text", language), state])
        blocks.append(Table(caption=_pick(step, "name", language),
                            header=[_("Checklist"), _("Where it stands")], rows=rows))
    if not data["flow"]:
        blocks.append(Paragraph(_("The group has no assessment flow yet."), style="todo"))
    return Section(_("Assessment flow"), anchor="assessment-flow", blocks=blocks)


def _status(report: Report) -> str:
    return str(report.paper.get_status_display()) if report.paper_id else _("Draft")


def document(report: Report, data: dict, language: str) -> Document:
    with translation.override(language):
        group, period = data["group"], data["period"]
        group_name = _pick(group, "name", language)
        summary = _pick(data["report"], "summary", language)
        sections = [
            Section(_("Summary"), anchor="summary",
                    blocks=[Paragraph(summary, markdown=True)] if summary.strip()
                    else [_todo()]),
            _overview(report, data, language),
        ]
        for objective in data["objectives"]:
            sections.extend(_objective_sections(objective, language))
        sections.append(_flow_section(data, language))
        made_at = datetime.datetime.fromisoformat(data["compiled_at"])
        return Document(
            language=language,
            title=_pick(data["report"], "title", language),
            subtitle=_("%(group)s, %(start)s to %(end)s") % {
                "group": group_name, "start": _date(period["start"]),
                "end": _date(period["end"])},
            letterhead=group_name,
            status=_status(report),
            made_at=formats.date_format(timezone.localtime(made_at), "DATETIME_FORMAT"),
            address=settings.SITE_URL + report.get_absolute_url(),
            sections=sections,
            labels={"contents": _("Table of contents"), "page": _("Page"), "of": _("of")},
        )
