"""Named state changes of the members app: invitations, accounts, representatives, the yearly
nomination round."""

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
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from members.models import (
    Invitation,
    Language,
    Membership,
    NominationLetter,
    NominationRound,
    Organisation,
    Person,
    Representative,
    User,
    WorkingGroup,
)
from talanoa import auditlog
from talanoa.lib.editing import save_model_form
from talanoa.lib.files import safe_filename
from talanoa.lib.reasons import template, with_reason

INVITATION_DAYS = {Invitation.Kind.ACCOUNT: 14, Invitation.Kind.CONSULTATIVE: 30,
                   Invitation.Kind.ITEM: 30}

# Why a record changed, kept with the change so the register says why: stored in English (it is
# data) and shown in the reader's language by the history pages (talanoa.lib.reasons).
ENDED = gettext_noop("Ended")
DRAFTED = gettext_noop("Drafted when the round opened")
SENT = gettext_noop("Sent")
NOMINATED_IN_REPLY = template(gettext_noop("Nominated in reply to the %(year)s letter"))
REPLY_RECORDED = gettext_noop("Reply recorded")
CONFIRMED = gettext_noop("Confirmed")
CLOSED = gettext_noop("Closed")


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
    with_reason(representative, ENDED).save(update_fields=["ended_on"])
    return representative


# The annual nomination round (R1) and the register of representatives (R2).

ROUND_KINDS = (Membership.Kind.MEMBER, Membership.Kind.OBSERVER)


@transaction.atomic
def open_nomination_round(group: WorkingGroup, year: int, deadline: datetime.date,
                          user: User | None) -> NominationRound:
    """Draft one letter per member and observer organisation (R1). Opening the same year again
    returns the same round, with letters added for organisations that have joined since."""
    round_, _ = NominationRound.objects.get_or_create(
        group=group, year=year, defaults={"deadline": deadline, "opened_by": user})
    if round_.closed_at is not None:
        return round_
    already = set(round_.letters.values_list("organisation_id", flat=True))
    organisations = (Organisation.objects.current()
                     .filter(memberships__in=Membership.objects.active()
                             .filter(group=group, kind__in=ROUND_KINDS))
                     .exclude(pk__in=already).distinct().order_by("name_en"))
    letters = [NominationLetter(round=round_, organisation=org,
                                language=org.language if org.language in Language.values
                                else Language.EN)
               for org in organisations]
    bulk_create_with_history(letters, NominationLetter, default_user=user,
                             default_change_reason=DRAFTED)
    return round_


def mark_letter_sent(letter: NominationLetter) -> NominationLetter:
    """The chair has signed and sent the letter; answered letters stay answered."""
    if letter.status == NominationLetter.Status.DRAFTED:
        letter.status = NominationLetter.Status.SENT
        letter.sent_at = timezone.now()
        with_reason(letter, SENT).save(update_fields=["status", "sent_at"])
    return letter


@transaction.atomic
def mark_round_sent(round_: NominationRound) -> int:
    """Mark every drafted letter of the round as sent; returns how many."""
    letters = list(round_.letters.filter(status=NominationLetter.Status.DRAFTED))
    for letter in letters:
        mark_letter_sent(letter)
    return len(letters)


def _nominee_person(nominee: Person | tuple[str, str], organisation: Organisation,
                    language: str) -> Person:
    """An existing person, or the one with this email, or a new person of the organisation."""
    if isinstance(nominee, Person):
        person = nominee
    else:
        name, email = nominee
        email = email.strip().lower()
        person = Person.objects.filter(email__iexact=email).first() or Person(
            name=name.strip(), email=email, language=language)
    if person._state.adding or person.organisation_id is None:
        person.organisation = person.organisation or organisation
        person.save()
    return person


@transaction.atomic
def record_reply(letter: NominationLetter, nominees, note: str = "", document=None,
                 user: User | None = None) -> list[Representative]:
    """An organisation's answer: its nominees enter the register as nominated for the round's
    year (R2), and the letter is answered. `nominees` is a list of (person, role), where person
    is a Person or a (name, email) pair; `document` is the uploaded nomination letter, if any."""
    if not nominees:
        raise ValueError("A reply names at least one representative.")
    round_ = letter.round
    if document is not None:
        letter.reply_document.save(safe_filename(document.name), document, save=False)
    representatives = []
    for nominee, role in nominees:
        person = _nominee_person(nominee, letter.organisation, letter.language)
        representative = Representative.objects.filter(
            group_id=round_.group_id, organisation_id=letter.organisation_id, person=person,
            year=round_.year, ended_on__isnull=True).first() or Representative(
            group_id=round_.group_id, organisation_id=letter.organisation_id, person=person,
            year=round_.year, status=Representative.Status.NOMINATED)
        representative.role = role
        if letter.reply_document:
            representative.nomination_document.name = letter.reply_document.name
        with_reason(representative, NOMINATED_IN_REPLY, year=round_.year).save()
        representatives.append(representative)
    letter.status = NominationLetter.Status.ANSWERED
    letter.replied_at = timezone.now()
    if note:
        letter.reply_note = f"{letter.reply_note}\n\n{note}".strip()
    letter.version += 1
    with_reason(letter, REPLY_RECORDED).save()
    return representatives


def confirm_representative(representative: Representative) -> Representative:
    """The secretariat confirms a nomination: the person now represents the organisation."""
    if representative.ended_on is not None:
        raise ValueError("This representation has ended.")
    representative.status = Representative.Status.CONFIRMED
    with_reason(representative, CONFIRMED).save(update_fields=["status"])
    return representative


def close_round(round_: NominationRound) -> NominationRound:
    """Stop waiting for replies; late replies can still be recorded."""
    if round_.closed_at is None:
        round_.closed_at = timezone.now()
        with_reason(round_, CLOSED).save(update_fields=["closed_at"])
    return round_


def save_record(form) -> Model:
    """Create or edit an organisation, person or group; a stale edit raises EditConflict."""
    return save_model_form(form)


def create_subgroup(parent: WorkingGroup, form) -> WorkingGroup:
    """A sub-working group or taskforce that reports to `parent` (R6)."""
    form.instance.parent = parent
    return save_model_form(form)


def add_membership(group: WorkingGroup, form) -> Membership:
    form.instance.group = group
    return form.save()


def end_membership(membership: Membership) -> Membership:
    """The organisation leaves the group; its representatives lose access with it."""
    membership.end = timezone.localdate()
    membership.save(update_fields=["end"])
    return membership


# --- Sign-in lockouts (django-axes) ---------------------------------------------------------

def current_lockouts():
    """Accounts and addresses locked out of signing in now: django-axes' attempts that reached
    AXES_FAILURE_LIMIT within the cool-off period, latest first."""
    from axes.models import AccessAttempt

    since = timezone.now() - datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return (AccessAttempt.objects
            .filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                    attempt_time__gte=since)
            .only("username", "ip_address", "failures_since_start", "attempt_time")
            .order_by("-attempt_time", "-pk"))


def unlock_login(request, attempt) -> int:
    """The secretariat lets an account sign in again from an address: axes' attempts for that
    account and address are reset (axes.utils.reset), allauth's count of failures for the
    account too, and the unlock is recorded in the audit log. Returns the attempts removed."""
    from allauth.account.adapter import get_adapter
    from axes.utils import reset


    removed = reset(ip=attempt.ip_address, username=attempt.username)
    # allauth counts failures per account as well (settings.ACCOUNT_RATE_LIMITS); a private
    # helper, the one allauth itself calls after a password reset (skipped should it go).
    forget = getattr(get_adapter(request), "_delete_login_attempts_cached_email", None)
    if attempt.username and forget is not None:
        forget(request, email=attempt.username)
    auditlog.record(auditlog.Kind.UNLOCK, request=request, target_text=attempt.username or "",
                 detail={"login": attempt.username, "ip": attempt.ip_address,
                         "failures": attempt.failures_since_start, "attempts_removed": removed})
    return removed
