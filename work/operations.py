"""Named state changes of the work programme; views validate, then call these."""

from __future__ import annotations

import datetime
import datetime as _dt
import statistics as _statistics
from dataclasses import dataclass as _dataclass

from django.core import signing
from django.core import signing as _signing
from django.db import transaction
from django.db import transaction as _transaction
from django.utils import timezone
from django.utils import timezone as _timezone
from django.utils.text import slugify
from django.utils.translation import gettext_noop
from django.utils.translation import gettext_noop as _noop

from members import operations as members_operations
from members.models import Organisation, Person, WorkingGroup
from talanoa.lib.editing import save_model_form, save_versioned
from talanoa.lib.reasons import with_reason
from work import tasks as work_tasks
from work.models import (
    EngagementLogEntry,
    FocalPoint,
    JoinRequest,
    JoinRequestTransition,
    OrganisationProfile,
)

# --- Work plan ------------------------------------------------------------------------------

PLAN_ADDED = gettext_noop("Added to the work plan")
PLAN_DONE = gettext_noop("Marked done")
PLAN_REOPENED = gettext_noop("Reopened")


class PlanStepRefused(Exception):
    """The step is not possible now; the message says why, for the person."""


def plan_parent_problem(kind: str, parent) -> str | None:
    """Why `parent` cannot hold an item of `kind` (in English, to translate), or None."""
    from work.models import PlanItem

    if kind == PlanItem.Kind.INITIATIVE:
        return gettext_noop("An initiative is not part of another item.") if parent else None
    if parent is None:
        return gettext_noop("Say which initiative, outcome or activity this is part of.")
    if PlanItem.RANK[parent.kind] >= PlanItem.RANK[kind]:
        return gettext_noop("An initiative holds outcomes, an outcome activities, an activity "
                            "milestones: this item cannot be part of that one.")
    return None


@transaction.atomic
def create_plan_item(item, by):
    """Add an item (unsaved, its parent set) to the work plan."""
    from work.models import PlanItem

    if problem := plan_parent_problem(item.kind, item.parent):
        raise PlanStepRefused(problem)
    item.created_by = by
    if item.parent_id and item.order == 0:
        item.order = PlanItem.objects.filter(parent_id=item.parent_id).count()
    with_reason(item, PLAN_ADDED).save()
    return item


@transaction.atomic
def save_plan_item(item, expected_version: int | None):
    """Save an edit (a conflict if someone saved in between); a move to another initiative
    moves everything below the item with it."""
    from work.models import PlanItem

    if problem := plan_parent_problem(item.kind, item.parent):
        raise PlanStepRefused(problem)
    subtree = _subtree(item)  # as stored: in the initiative it is leaving, if it moves
    if item.parent_id and item.parent_id in {d.pk for d in subtree}:
        raise PlanStepRefused(gettext_noop("An item cannot be part of an item below it."))
    parts = PlanItem.objects.filter(parent_id=item.pk).values_list("kind", flat=True)
    if any(PlanItem.RANK[kind] <= PlanItem.RANK[item.kind] for kind in parts):
        raise PlanStepRefused(gettext_noop("Its parts must stay of a later kind than it: move "
                                           "them first."))
    before = PlanItem.objects.filter(pk=item.pk).values_list("initiative_id", flat=True).first()
    save_versioned(item, expected_version)
    if item.initiative_id != before:
        below = [d.pk for d in subtree if d.pk != item.pk]
        PlanItem.objects.filter(pk__in=below).update(initiative_id=item.initiative_id)
    return item


def _subtree(item) -> list:
    """The item and every item below it (one query: the items of its initiative)."""
    from work.models import PlanItem

    items = list(PlanItem.objects.filter(initiative_id=item.initiative_id)
                 .only("pk", "parent_id")) if item.initiative_id else []
    children: dict[int | None, list] = {}
    for other in items:
        children.setdefault(other.parent_id, []).append(other)
    found, queue = [item], [item.pk]
    while queue:
        for child in children.get(queue.pop(), []):
            if child.pk != item.pk:
                found.append(child)
                queue.append(child.pk)
    return found


def _save_plan_step(item, reason: str) -> None:
    item.version += 1
    with_reason(item, reason).save()


@transaction.atomic
def complete_milestone(item, on: datetime.date | None = None):
    """Record that the milestone (or an item with no milestone below it) is done."""
    if item.archived_at is not None:
        raise PlanStepRefused(gettext_noop("The item is archived: restore it first."))
    if item.done_on is not None:
        raise PlanStepRefused(gettext_noop("It is already done."))
    item.done_on = on or timezone.localdate()
    _save_plan_step(item, PLAN_DONE)
    return item


@transaction.atomic
def reopen_milestone(item):
    """It was not done after all: its health follows its due date again."""
    if item.done_on is None:
        raise PlanStepRefused(gettext_noop("It is not done."))
    item.done_on = None
    _save_plan_step(item, PLAN_REOPENED)
    return item


@transaction.atomic
def archive_plan_item(item) -> list:
    """Archive the item and every live item below it, together (restored together)."""
    when = timezone.now()
    done = []
    for each in _subtree(item):
        each = type(item).objects.get(pk=each.pk)
        if each.archived_at is None:
            each.archived_at = when
            _save_plan_step(each, gettext_noop("Archived"))
            done.append(each)
    return done


@transaction.atomic
def restore_plan_item(item) -> list:
    """Restore the item and what was archived with it (not what was archived before)."""
    when = item.archived_at
    done = []
    for each in _subtree(item):
        each = type(item).objects.get(pk=each.pk)
        if each.archived_at is not None and each.archived_at == when:
            each.archived_at = None
            _save_plan_step(each, gettext_noop("Restored from the archive"))
            done.append(each)
    return done




# --- Tasks ----------------------------------------------------------------------------------
class TaskRefused(Exception):
    """A task change that is not allowed (its message is English, marked for translation)."""


def link_name_for(item) -> str:
    """The Task link that holds this item ("meeting", "paper"…), or TaskRefused."""
    from work.models import Task

    for name in Task.LINKS:
        if isinstance(item, Task._meta.get_field(name).related_model):
            return name
    raise TaskRefused(gettext_noop("A task cannot be about this kind of item."))


@transaction.atomic
def create_task(title: str, owner_organisation, by, *, about=None, group=None,
                owner_person=None, due_on: datetime.date | None = None,
                description: str = ""):
    """A task of a group, owned by an organisation (and a person in it), about one item (a
    meeting, decision, paper, proposal: see Task.LINKS) or none; its group is the item's."""
    from work.models import Task, TaskTransition

    fields = {}
    if about is not None:
        if getattr(about, "archived_at", None) is not None:
            raise TaskRefused(gettext_noop("The item is archived: restore it first."))
        fields[link_name_for(about)] = about
        group = about.group
    if group is None:
        raise TaskRefused(gettext_noop("Say which group the task is for."))
    task = Task.objects.create(
        group=group, title=title.strip(), description=description.strip(),
        owner_organisation=owner_organisation, owner_person=owner_person, due_on=due_on,
        **fields)
    TaskTransition.objects.create(task=task, to_status=task.status, by=by)
    return task


@transaction.atomic
def set_task_status(task, status: str, by, reason: str = ""):
    """Move a task to a new status (open, in progress, done, dropped), with the reason; each
    change is a TaskTransition."""
    from work.models import Task, TaskTransition

    if status not in Task.Status.values:
        raise TaskRefused(f"unknown status {status!r}")
    task = Task.objects.select_for_update().get(pk=task.pk)
    if status == task.status:
        raise TaskRefused(f"the task is already {status}")
    TaskTransition.objects.create(task=task, from_status=task.status, to_status=status, by=by,
                                  reason=reason.strip())
    task.status = status
    task.save(update_fields=["status"])
    return task





# --- Who does what --------------------------------------------------------------------------




# --- Advisory requests ----------------------------------------------------------------------
# Lifecycle: received → triaged → assigned → answered → closed; declined (by the secretariat)
# or withdrawn (by the requester or the secretariat) before it is answered. Every step writes an
# AdvisoryTransition, bumps the version and keeps the restricted lists naming who asked and who
# answers; the requester is told when it is received, answered and closed.



ADVISORY_INTAKE_SALT = "work.advisory.intake"
ADVISORY_READ_SALT = "work.advisory.read"
ADVISORY_INTAKE_DAYS = 14
ADVISORY_READ_DAYS = 365

# step -> the statuses it may start from
ADVISORY_ALLOWED = {
    "triage": ("received",),
    "assign": ("triaged", "assigned"),
    "respond": ("triaged", "assigned", "answered"),
    "close": ("answered",),
    "decline": ("received", "triaged", "assigned"),
    "withdraw": ("received", "triaged", "assigned"),
}


class AdvisoryRefused(Exception):
    """The step is not possible now; the message (English, gettext_noop) says why."""


def _advisory_parties(advisory) -> tuple[set[int], set[int]]:
    orgs = {pk for pk in (advisory.organisation_id, advisory.assigned_organisation_id) if pk}
    people = {pk for pk in (advisory.requester_person_id, advisory.assigned_person_id) if pk}
    return orgs, people


def _name_parties(advisory) -> None:
    """Who asked and who answers are named on the request, so they (and, at the restricted
    level, only they with the group's chair and secretariat) see it."""
    orgs, people = _advisory_parties(advisory)
    if orgs:
        advisory.restricted_organisations.add(*orgs)
    if people:
        advisory.restricted_people.add(*people)


def _replace_parties(advisory, before: tuple[set[int], set[int]]) -> None:
    """Whoever stopped being a party (a corrected requester, a reassigned organisation or
    person) is no longer named; the current parties are."""
    orgs, people = _advisory_parties(advisory)
    if gone := before[0] - orgs:
        advisory.restricted_organisations.remove(*gone)
    if gone := before[1] - people:
        advisory.restricted_people.remove(*gone)
    _name_parties(advisory)


def _advisory_step(advisory, step: str, by, reason: str, expected_version, to_status=None):
    """Lock the row, refuse a stale page or a step the status does not allow; write the
    transition. Returns the locked, current request."""
    from work.models import AdvisoryRequest, AdvisoryTransition

    current = AdvisoryRequest.objects.select_for_update().get(pk=advisory.pk)
    if expected_version is not None and current.version != expected_version:
        raise AdvisoryRefused(_noop("Someone changed this request in the meantime: check it, "
                                    "then try again."))
    if current.archived_at is not None:
        raise AdvisoryRefused(_noop("The request is archived."))
    if current.status not in ADVISORY_ALLOWED[step]:
        raise AdvisoryRefused(_noop("This step is not possible at the request's stage."))
    # A further response to an answered request is a response, not a step.
    if to_status is not None and not (step == "respond" and current.status == to_status):
        AdvisoryTransition.objects.create(advisory=current, from_status=current.status,
                                          to_status=to_status, by=by, reason=reason.strip())
        current.status = to_status
    current.version += 1
    return current


def _notify(advisory, event: str) -> None:
    from work import tasks

    _transaction.on_commit(lambda: tasks.notify_advisory.enqueue(advisory.pk, event))


@_transaction.atomic
def file_request(advisory, by=None):
    """Record a new request (unsaved `advisory`: group, requester, country, topic set); its
    first step is "received". The requester and the group's editors are told."""
    from talanoa.lib.reasons import with_reason
    from work.models import AdvisoryRequest, AdvisoryTransition

    advisory.status = AdvisoryRequest.Status.RECEIVED
    advisory.received_at = advisory.received_at or _timezone.now()
    advisory.created_by = by if by is not None and by.is_authenticated else None
    advisory.requester_email = advisory.requester_email.strip().lower()
    with_reason(advisory, _noop("Received")).save()
    _name_parties(advisory)
    AdvisoryTransition.objects.create(advisory=advisory, to_status=advisory.status,
                                      by=advisory.created_by, at=advisory.received_at)
    _notify(advisory, "received")
    return advisory


def _save_step(advisory, reason: str) -> None:
    from talanoa.lib.reasons import with_reason

    with_reason(advisory, reason).save()
    _name_parties(advisory)


@_transaction.atomic
def triage(advisory, by, expected_version, urgency: str | None = None, note: str = ""):
    """The secretariat has read it: confirms (or changes) the urgency, with a note."""
    advisory = _advisory_step(advisory, "triage", by, note, expected_version, "triaged")
    if urgency:
        advisory.urgency = urgency
    _save_step(advisory, _noop("Triaged"))
    return advisory


@_transaction.atomic
def assign(advisory, by, expected_version, organisation, person=None, note: str = ""):
    """Give it to an organisation (and a person in it) to answer; they are named on it and
    told. Assigning again replaces them: whoever was assigned before is no longer named."""
    if organisation is None:
        raise AdvisoryRefused(_noop("Choose the organisation that will answer."))
    if person is not None and person.organisation_id not in (None, organisation.pk):
        raise AdvisoryRefused(_noop("The person is not of the organisation chosen."))
    advisory = _advisory_step(advisory, "assign", by, note, expected_version, "assigned")
    before = _advisory_parties(advisory)
    advisory.assigned_organisation = organisation
    advisory.assigned_person = person
    _save_step(advisory, _noop("Assigned"))
    _replace_parties(advisory, before)
    _notify(advisory, "assigned")
    return advisory


@_transaction.atomic
def respond(advisory, by, expected_version, text: str, file=None, papers=(),
            organisation=None):
    """An answer (text, a document, linked papers); the first one sets first_response_at and
    makes the request "answered". The requester is told."""
    from work.models import AdvisoryResponse

    if not text.strip():
        raise AdvisoryRefused(_noop("Write the response."))
    advisory = _advisory_step(advisory, "respond", by, "", expected_version, "answered")
    first = advisory.first_response_at is None
    now = _timezone.now()
    response = AdvisoryResponse(advisory=advisory, text=text.strip(), by=by, at=now,
                                by_organisation=organisation)
    if file:
        response.file = file
    response.save()
    if advisory.first_response_at is None:
        advisory.first_response_at = now
    _save_step(advisory, _noop("Answered"))
    if papers:
        advisory.papers.add(*papers)
    _notify(advisory, "answered" if first else "answered_again")
    return response


@_transaction.atomic
def close(advisory, by, expected_version, note: str = ""):
    """The advice was given: the request is closed; the requester is told."""
    advisory = _advisory_step(advisory, "close", by, note, expected_version, "closed")
    advisory.closed_at = _timezone.now()
    _save_step(advisory, _noop("Closed"))
    _notify(advisory, "closed")
    return advisory


@_transaction.atomic
def decline(advisory, by, expected_version, reason: str):
    """The group cannot advise on it (out of scope, better asked elsewhere): says why."""
    if not reason.strip():
        raise AdvisoryRefused(_noop("Say why the request is declined."))
    advisory = _advisory_step(advisory, "decline", by, reason, expected_version, "declined")
    advisory.closed_at = _timezone.now()
    _save_step(advisory, _noop("Declined"))
    _notify(advisory, "declined")
    return advisory


@_transaction.atomic
def withdraw(advisory, by, expected_version, reason: str = ""):
    """The requester no longer needs the advice."""
    advisory = _advisory_step(advisory, "withdraw", by, reason, expected_version, "withdrawn")
    advisory.closed_at = _timezone.now()
    _save_step(advisory, _noop("Withdrawn"))
    return advisory


@_transaction.atomic
def save_advisory(advisory, expected_version, papers=None):
    """An edit of the request's text and facts (a conflict if someone saved in between); a
    corrected requester replaces the one named before."""
    from talanoa.lib.editing import save_versioned
    from work.models import AdvisoryRequest

    stored = AdvisoryRequest.objects.get(pk=advisory.pk)
    save_versioned(advisory, expected_version)
    if papers is not None:
        advisory.papers.set(papers)
    _replace_parties(advisory, _advisory_parties(stored))
    return advisory


@_transaction.atomic
def archive_advisory(advisory, archived: bool):
    advisory.archived_at = _timezone.now() if archived else None
    advisory.version += 1
    _save_step(advisory, _noop("Archived") if archived else _noop("Restored from the archive"))
    return advisory


# Ministry contacts: a signed link, not an account. -------------------------------------------

def ministry_intake_token(email: str, name: str, ministry: str, country_id: int, group_id: int,
                          language: str = "en") -> str:
    return _signing.dumps({"e": email.strip().lower(), "n": name, "m": ministry,
                           "c": country_id, "g": group_id, "l": language},
                          salt=ADVISORY_INTAKE_SALT, compress=True)


def read_intake_token(token: str) -> dict:
    """The invitation a link carries; raises signing.SignatureExpired (older than 14 days) or
    signing.BadSignature (anything else wrong)."""
    return _signing.loads(token, salt=ADVISORY_INTAKE_SALT,
                          max_age=_dt.timedelta(days=ADVISORY_INTAKE_DAYS))


def advisory_read_token(advisory) -> str:
    return _signing.dumps({"r": advisory.pk, "e": advisory.requester_email},
                          salt=ADVISORY_READ_SALT)


def read_read_token(token: str) -> dict:
    return _signing.loads(token, salt=ADVISORY_READ_SALT,
                          max_age=_dt.timedelta(days=ADVISORY_READ_DAYS))


def invite_ministry(email: str, name: str, ministry: str, country, group, by,
                    language: str = "en", message: str = "") -> str:
    """Email a ministry's contact a link to the intake form (valid 14 days); the link proves
    the address. Returns the token."""
    token = ministry_intake_token(email, name, ministry, country.pk, group.pk, language)
    from work import tasks

    inviter = getattr(getattr(by, "person", None), "name", "") if by else ""
    _transaction.on_commit(lambda: tasks.send_ministry_invitation.enqueue(
        token, message, inviter))
    return token


# Figures (per calendar quarter of the date received) -----------------------------------------

@_dataclass(frozen=True)
class QuarterFigures:
    year: int
    quarter: int
    received: int
    answered: int
    closed: int
    still_open: int
    response_median: float | None
    response_mean: float | None
    close_median: float | None
    close_mean: float | None

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"


def _days(delta: _dt.timedelta) -> float:
    return delta.total_seconds() / 86400


def _stats(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return round(_statistics.median(values), 1), round(_statistics.fmean(values), 1)


def quarterly_figures(rows, tz=None) -> list[QuarterFigures]:
    """Pure arithmetic over (received_at, first_response_at, closed_at) tuples: per calendar
    quarter of the date received (in `tz`, by default the site's zone), newest first; times in
    days (median and mean, one decimal). "Closed" counts every ended request (closed, declined,
    withdrawn); "still open" those of the quarter not ended yet."""
    tz = tz or _timezone.get_default_timezone()
    quarters: dict[tuple[int, int], list] = {}
    for received, first, closed in rows:
        local = received.astimezone(tz)
        quarters.setdefault((local.year, (local.month - 1) // 3 + 1), []).append(
            (received, first, closed))
    result = []
    for (year, quarter), items in sorted(quarters.items(), reverse=True):
        responses = [_days(f - r) for r, f, _c in items if f is not None]
        closes = [_days(c - r) for r, _f, c in items if c is not None]
        result.append(QuarterFigures(
            year, quarter, received=len(items), answered=len(responses), closed=len(closes),
            still_open=len(items) - len(closes),
            response_median=_stats(responses)[0], response_mean=_stats(responses)[1],
            close_median=_stats(closes)[0], close_mean=_stats(closes)[1]))
    return result





# --- Engagement -----------------------------------------------------------------------------

# (slug, acronym, English name, French name, kind, website, organisation slug or "")
EXTERNAL_BODIES = [
    ("itu", "ITU", "International Telecommunication Union",
     "Union internationale des télécommunications", "un_agency", "https://www.itu.int/", "itu"),
    ("apt", "APT", "Asia-Pacific Telecommunity", "Télécommunauté Asie-Pacifique", "regional",
     "https://www.apt.int/", ""),
    ("icann", "ICANN", "Internet Corporation for Assigned Names and Numbers",
     "Société pour l'attribution des noms de domaine et des numéros sur Internet",
     "internet_governance", "https://www.icann.org/", ""),
    ("ietf", "IETF", "Internet Engineering Task Force", "Groupe de travail de génie Internet",
     "standards", "https://www.ietf.org/", ""),
    ("w3c", "W3C", "World Wide Web Consortium", "Consortium World Wide Web", "standards",
     "https://www.w3.org/", ""),
    ("igf", "IGF", "Internet Governance Forum", "Forum sur la gouvernance de l'Internet",
     "internet_governance", "https://www.intgovforum.org/", ""),
    ("apnic", "APNIC", "Asia Pacific Network Information Centre",
     "Centre d'information sur les réseaux Asie-Pacifique", "internet_governance",
     "https://www.apnic.net/", ""),
    ("pita", "PITA", "Pacific Islands Telecommunications Association",
     "Association des télécommunications des îles du Pacifique", "industry",
     "https://www.pita.org.fj/", "pita"),
    ("aprigf", "APrIGF", "Asia Pacific Regional Internet Governance Forum",
     "Forum régional Asie-Pacifique sur la gouvernance de l'Internet", "internet_governance",
     "https://aprigf.asia/", ""),
    ("pacnog", "PacNOG", "Pacific Network Operators Group",
     "Groupe des opérateurs de réseaux du Pacifique", "industry", "https://www.pacnog.org/", ""),
]

BODY_ARCHIVED = gettext_noop("Archived")
BODY_RESTORED = gettext_noop("Restored from the archive")
FORUM_ON_CALENDAR = gettext_noop("External forum: on the calendar, its delegates invited")
LEVEL_FOLLOWS = gettext_noop("Level follows its forum participation")


def ensure_external_bodies() -> int:
    """Add the shipped external bodies that are missing (never changes what the secretariat
    edited); link ITU and PITA to their organisations when those exist. Returns how many were
    added."""
    from members.models import Organisation
    from work.models import ExternalBody

    organisations = {o.slug: o for o in Organisation.objects.filter(
        slug__in=[row[6] for row in EXTERNAL_BODIES if row[6]])}
    added = 0
    for order, (slug, acronym, name_en, name_fr, kind, website, org) in enumerate(
            EXTERNAL_BODIES):
        _body, created = ExternalBody.objects.get_or_create(slug=slug, defaults={
            "acronym": acronym, "name_en": name_en, "name_fr": name_fr, "kind": kind,
            "website": website, "order": order, "organisation": organisations.get(org)})
        added += created
    return added


def _archive(record, archived: bool) -> None:
    """Archive (or restore) a record: out of the lists, never deleted."""
    record.archived_at = timezone.now() if archived else None
    record.version += 1
    with_reason(record, BODY_ARCHIVED if archived else BODY_RESTORED).save()


@transaction.atomic
def save_external_body(body, expected_version: int | None):
    save_versioned(body, expected_version)
    return body


@transaction.atomic
def archive_external_body(body, archived: bool = True):
    _archive(body, archived)
    return body


@transaction.atomic
def save_process(process, expected_version: int | None, save_m2m=None):
    """Save a process (a new one, or an edit refused with a conflict if someone saved in
    between), and its ICT areas with `save_m2m`."""
    save_versioned(process, expected_version)
    if save_m2m is not None:
        save_m2m()
    return process


@transaction.atomic
def archive_process(process, archived: bool = True):
    _archive(process, archived)
    return process


@transaction.atomic
def create_position(position, by, save_m2m=None):
    """Record a position of the group in a process (its level, and the named organisations and
    people of a restricted one, with `save_m2m`)."""
    position.created_by = by
    with_reason(position, gettext_noop("Recorded")).save()
    if save_m2m is not None:
        save_m2m()
    return position


@transaction.atomic
def save_position(position, expected_version: int | None, save_m2m=None):
    save_versioned(position, expected_version)
    if save_m2m is not None:
        save_m2m()
    return position


@transaction.atomic
def archive_position(position, archived: bool = True):
    _archive(position, archived)
    return position


def _sync_forum_meeting(participation) -> None:
    """The calendar entry has the participation's group, level and named organisations and
    people, so whoever sees one sees the other; delegates not yet invited are invited."""
    from meetings.operations import invite_people

    meeting = participation.meeting
    orgs = set(participation.restricted_organisations.values_list("pk", flat=True))
    people = set(participation.restricted_people.values_list("pk", flat=True))
    if (meeting.level, meeting.group_id) != (participation.level, participation.group_id) or (
            orgs != set(meeting.restricted_organisations.values_list("pk", flat=True))
            or people != set(meeting.restricted_people.values_list("pk", flat=True))):
        meeting.level, meeting.group_id = participation.level, participation.group_id
        meeting.version += 1
        with_reason(meeting, LEVEL_FOLLOWS).save()
        meeting.restricted_organisations.set(orgs)
        meeting.restricted_people.set(people)
    invite_people(meeting, participation.delegates.all())


@transaction.atomic
def create_forum_participation(participation, meeting, by, save_m2m=None):
    """The group takes part in an external forum: the event goes on the calendar as a meeting
    of kind "External forum", convened by meetings.operations (its lifecycle, calendar
    identifier and reminders) with only the delegates invited, never the whole group."""
    from meetings.models import Meeting
    from meetings.operations import convene_meeting

    meeting.kind = Meeting.Kind.FORUM
    meeting.group_id = participation.group_id
    meeting.level = participation.level
    convene_meeting(meeting, by, FORUM_ON_CALENDAR, invitees=[])
    participation.meeting = meeting
    participation.created_by = by
    with_reason(participation, gettext_noop("Recorded")).save()
    if save_m2m is not None:
        save_m2m()
    _sync_forum_meeting(participation)
    return participation


@transaction.atomic
def save_forum_participation(participation, expected_version: int | None, save_m2m=None):
    """An edit (refused with a conflict if someone saved in between); the calendar entry
    follows its level, and new delegates are invited."""
    save_versioned(participation, expected_version)
    if save_m2m is not None:
        save_m2m()
    _sync_forum_meeting(participation)
    return participation


@transaction.atomic
def archive_forum_participation(participation, archived: bool = True):
    """The participation only: its event stays on the calendar (cancel it there if it is off)."""
    _archive(participation, archived)
    return participation


# --- Directory and "take part" --------------------------------------------------------------


TAKE_PART_SALT = "work.take_part.confirm"
TAKE_PART_LINK_DAYS = 7
JOINED_NOTE = gettext_noop("Approved from a request to take part (S1, R3)")


def save_organisation_profile(form) -> OrganisationProfile:
    """The organisation's ICT areas; a stale edit raises EditConflict."""
    return save_model_form(form)


def add_focal_point(organisation: Organisation, form) -> FocalPoint:
    form.instance.organisation = organisation
    return form.save()


def archive_focal_point(focal_point: FocalPoint) -> FocalPoint:
    """The person is no longer the organisation's focal point; the row stays in the history."""
    if focal_point.archived_at is None:
        focal_point.archived_at = timezone.now()
        focal_point.save(update_fields=["archived_at", "updated_at"])
    return focal_point


@transaction.atomic
def add_engagement_log_entry(organisation: Organisation, group: WorkingGroup, form,
                             user) -> EngagementLogEntry:
    """A note of the group's contact with the organisation. A restricted note is for the
    organisation itself (and the group's editors)."""
    entry = form.save(commit=False)
    entry.organisation, entry.group, entry.created_by = organisation, group, user
    entry.save()
    if entry.level == EngagementLogEntry.Level.RESTRICTED:
        entry.restricted_organisations.set([organisation])
    return entry


def join_request_token(join_request: JoinRequest) -> str:
    """The signed link that confirms the applicant's email (nothing stored but the request)."""
    return signing.dumps({"r": join_request.pk, "e": join_request.email}, salt=TAKE_PART_SALT)


def find_join_request(token: str) -> JoinRequest | None:
    """The request a confirmation link names, if the link is genuine and not expired."""
    try:
        data = signing.loads(token, salt=TAKE_PART_SALT,
                             max_age=datetime.timedelta(days=TAKE_PART_LINK_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return JoinRequest.objects.filter(pk=data.get("r"), email=data.get("e")).first()


def _join_step(join_request: JoinRequest, to_status: str, by=None, reason: str = "") -> None:
    JoinRequestTransition.objects.create(join_request=join_request,
                                         from_status=join_request.status, to_status=to_status,
                                         by=by, reason=reason)
    join_request.status = to_status
    join_request.version += 1


def _email(join_request: JoinRequest, event: str) -> None:
    transaction.on_commit(lambda: work_tasks.send_join_request_email.enqueue(join_request.pk,
                                                                             event))


@transaction.atomic
def submit_join_request(group: WorkingGroup, form, language: str) -> JoinRequest:
    """A valid "take part" form: stored awaiting email confirmation; the applicant is sent the
    confirmation link. The secretariat hears of it only once the email is confirmed."""
    join_request = form.save(commit=False)
    join_request.group = group
    join_request.language = language if language in ("en", "fr") else "en"
    join_request.status = JoinRequest.Status.AWAITING_EMAIL
    join_request.save()
    form.save_m2m()
    JoinRequestTransition.objects.create(join_request=join_request, from_status="",
                                         to_status=JoinRequest.Status.AWAITING_EMAIL)
    _email(join_request, "confirm")
    return join_request


@transaction.atomic
def confirm_join_request(join_request: JoinRequest) -> JoinRequest:
    """The applicant opened the link: the request reaches the secretariat (once)."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.AWAITING_EMAIL:
        return join_request
    _join_step(join_request, JoinRequest.Status.RECEIVED)
    join_request.confirmed_at = timezone.now()
    join_request.save()
    _email(join_request, "received")
    return join_request


def suggested_organisations(join_request: JoinRequest, limit: int = 8):
    """Existing organisations the applicant may already be: same acronym, or a name that
    contains the given one or is contained in it."""
    from django.db.models import F, Q, Value

    name = join_request.organisation_name.strip()
    match = Q(name_en__iexact=name) | Q(name_fr__iexact=name) | Q(name_en__icontains=name)
    match |= Q(pk__in=Organisation.objects.annotate(given=Value(name)).filter(
        given__icontains=F("name_en")).exclude(name_en="").values("pk"))
    if join_request.acronym:
        match |= Q(acronym__iexact=join_request.acronym.strip())
    return Organisation.objects.current().filter(match).order_by("name_en")[:limit]


def _unique_slug(join_request: JoinRequest) -> str:
    base = slugify(join_request.acronym or join_request.organisation_name)[:32] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _contact_person(join_request: JoinRequest, organisation: Organisation) -> Person:
    person = Person.objects.current().filter(email__iexact=join_request.email).first()
    if person is None:
        return Person.objects.create(
            name=join_request.contact_name, email=join_request.email.lower(),
            position=join_request.position, organisation=organisation,
            language=join_request.language)
    if person.organisation_id is None:
        person.organisation = organisation
        person.save(update_fields=["organisation", "updated_at"])
    return person


@transaction.atomic
def approve_join_request(join_request: JoinRequest, kind: str, by=None,
                         organisation: Organisation | None = None) -> JoinRequest:
    """The secretariat accepts the organisation as an observer or consultative participant (R3):
    the organisation (new, or the existing one given), its standing in the group, the contact
    as a person, invited to an account (consultative: to take part, as the chair's invitation
    does), and the applicant is told by email."""
    from members.forms import MembershipForm

    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.RECEIVED:
        raise ValueError("Only a received request can be approved.")
    if kind not in JoinRequest.Standing.values:
        raise ValueError("Approve as an observer or a consultative participant.")
    group = join_request.group
    if organisation is None:
        organisation = Organisation.objects.create(
            slug=_unique_slug(join_request), name_en=join_request.organisation_name,
            acronym=join_request.acronym, kind=join_request.kind,
            country=join_request.country, website=join_request.website,
            language=join_request.language)
    # The members app's own form and operation: the same checks as adding one by hand.
    form = MembershipForm({"organisation": organisation.pk, "kind": kind,
                           "start": timezone.localdate().isoformat(), "note": JOINED_NOTE},
                          group=group)
    if not form.is_valid():
        raise ValueError(" ".join(str(e) for errors in form.errors.values() for e in errors))
    members_operations.add_membership(group, form)
    profile, _ = OrganisationProfile.objects.get_or_create(organisation=organisation)
    profile.areas.add(*join_request.areas.all())
    person = _contact_person(join_request, organisation)
    if kind == JoinRequest.Standing.CONSULTATIVE:
        members_operations.invite_consultative(person, group, by)
    elif person.user_id is None:
        members_operations.invite_person(person, by)
    _join_step(join_request, JoinRequest.Status.APPROVED, by=by,
               reason=gettext_noop("Approved as %(kind)s") % {"kind": kind})
    join_request.approved_as = kind
    join_request.decided_at = timezone.now()
    join_request.organisation, join_request.person = organisation, person
    join_request.save()
    _email(join_request, "approved")
    return join_request


@transaction.atomic
def decline_join_request(join_request: JoinRequest, reason: str, by=None) -> JoinRequest:
    """The secretariat declines, with its reason, which the applicant is told."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status not in (JoinRequest.Status.RECEIVED,
                                   JoinRequest.Status.AWAITING_EMAIL):
        raise ValueError("This request has already been decided.")
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required to decline.")
    confirmed = join_request.status == JoinRequest.Status.RECEIVED
    _join_step(join_request, JoinRequest.Status.DECLINED, by=by, reason=reason)
    join_request.decline_reason = reason
    join_request.decided_at = timezone.now()
    join_request.save()
    if confirmed:  # an unconfirmed address is never written to again
        _email(join_request, "declined")
    return join_request



