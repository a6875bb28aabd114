"""Named state changes of the work programme; views validate, then call these."""

from __future__ import annotations

import datetime as _dt
import statistics as _statistics
from dataclasses import dataclass as _dataclass

from django.core import signing as _signing
from django.db import transaction as _transaction
from django.utils import timezone as _timezone
from django.utils.translation import gettext_noop as _noop

from talanoa.lib.editing import save_versioned
from talanoa.lib.reasons import with_reason

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
    from advisory.models import AdvisoryRequest, AdvisoryTransition

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
    from advisory import tasks

    _transaction.on_commit(lambda: tasks.notify_advisory.enqueue(advisory.pk, event))


@_transaction.atomic
def file_request(advisory, by=None):
    """Record a new request (unsaved `advisory`: group, requester, country, topic set); its
    first step is "received". The requester and the group's editors are told."""
    from advisory.models import AdvisoryRequest, AdvisoryTransition

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
    from advisory.models import AdvisoryResponse

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
    from advisory.models import AdvisoryRequest

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
    from advisory import tasks

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
