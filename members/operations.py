"""Named state changes of the members app: invitations, accounts, representatives."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from members.models import (
    Invitation,
    Membership,
    Organisation,
    Person,
    Representative,
    User,
    WorkingGroup,
)

INVITATION_DAYS = {Invitation.Kind.ACCOUNT: 14, Invitation.Kind.CONSULTATIVE: 30,
                   Invitation.Kind.ITEM: 30}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_invitation(token: str) -> Invitation | None:
    return (Invitation.objects.select_related("person", "group", "item_type")
            .filter(token_hash=hash_token(token)).first())


def _send_invitation(invitation: Invitation, token: str, language: str) -> None:
    link = settings.SITE_URL + reverse("members:invitation", args=[token])
    with translation.override(language):
        context = {"invitation": invitation, "link": link, "item": invitation_item(invitation)}
        subject = render_to_string("members/email/invitation_subject.txt", context).strip()
        body = render_to_string("members/email/invitation.txt", context)
    EmailMessage(subject, body, to=[invitation.email]).send()


def _new_invitation(kind: str, email: str, invited_by: User | None, **fields) -> tuple[
        Invitation, str]:
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        kind=kind, email=email.lower(), token_hash=hash_token(token), invited_by=invited_by,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS[kind]), **fields)
    return invitation, token


@transaction.atomic
def invite_person(person: Person, invited_by: User | None, message: str = "") -> Invitation:
    """Email a person a link that lets them set a password and use their account."""
    if not person.email:
        raise ValueError("This person has no email address.")
    invitation, token = _new_invitation(Invitation.Kind.ACCOUNT, person.email, invited_by,
                                        person=person, message=message)
    transaction.on_commit(lambda: _send_invitation(invitation, token, person.language))
    return invitation


@transaction.atomic
def invite_consultative(person: Person, group: WorkingGroup, invited_by: User | None,
                        message: str = "") -> Invitation:
    """The chair invites an agency's person or an individual in a consultative capacity (R3)."""
    invitation, token = _new_invitation(Invitation.Kind.CONSULTATIVE, person.email, invited_by,
                                        person=person, group=group, message=message)
    transaction.on_commit(lambda: _send_invitation(invitation, token, person.language))
    return invitation


@transaction.atomic
def invite_to_item(item: Model, email: str, invited_by: User | None, language: str = "en",
                   message: str = "") -> Invitation:
    """Let someone without an account read one item through an emailed link."""
    invitation, token = _new_invitation(
        Invitation.Kind.ITEM, email, invited_by, group_id=getattr(item, "group_id", None),
        item_type=ContentType.objects.get_for_model(type(item)), item_id=item.pk,
        message=message)
    transaction.on_commit(lambda: _send_invitation(invitation, token, language))
    return invitation


def invitation_item(invitation: Invitation) -> Model | None:
    if invitation.kind != Invitation.Kind.ITEM or invitation.item_type is None:
        return None
    return invitation.item_type.get_object_for_this_type(pk=invitation.item_id)


@transaction.atomic
def accept_account_invitation(invitation: Invitation, password: str) -> User:
    """Create (or re-activate) the person's login with the password they chose."""
    person = invitation.person
    user = person.user or User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User.objects.create_user(invitation.email, password)
    else:
        user.set_password(password)
        user.is_active = True
        user.save()
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def accept_consultative_invitation(invitation: Invitation) -> Representative:
    """Record the invitee's consultative participation for this year (R3)."""
    person, group = invitation.person, invitation.group
    organisation = person.organisation or Organisation.objects.create(
        slug=f"individual-{person.pk}", name_en=person.name,
        kind=Organisation.Kind.CIVIL_SOCIETY)
    if person.organisation_id is None:
        person.organisation = organisation
        person.save(update_fields=["organisation", "updated_at"])
    if not Membership.objects.active().filter(group=group, organisation=organisation).exists():
        Membership.objects.create(group=group, organisation=organisation,
                                  kind=Membership.Kind.CONSULTATIVE,
                                  note="Invited by the chair (R3)")
    representative, _ = Representative.objects.get_or_create(
        group=group, organisation=organisation, person=person,
        year=timezone.localdate().year,
        defaults={"status": Representative.Status.CONFIRMED})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return representative


def set_representative_status(representative: Representative, status: str) -> Representative:
    representative.status = status
    representative.save(update_fields=["status"])
    return representative


def end_representation(representative: Representative) -> Representative:
    """A representative leaves; the row stays in the register's history."""
    representative.ended_on = timezone.localdate()
    representative.save(update_fields=["ended_on"])
    return representative
