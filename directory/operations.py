"""Named state changes of the work programme; views validate, then call these."""

from __future__ import annotations

import datetime

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from directory import tasks
from directory.models import (
    EngagementLogEntry,
    FocalPoint,
    JoinRequest,
    JoinRequestTransition,
    OrganisationProfile,
)
from members import operations as members_operations
from members.forms import MembershipForm
from members.models import Organisation, Person, WorkingGroup
from talanoa.lib.editing import save_model_form

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
    transaction.on_commit(lambda: tasks.send_join_request_email.enqueue(join_request.pk,
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
