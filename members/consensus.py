"""Positions and consensus (R4), one component for papers, proposals and decisions.

An item that members take positions on (a `talanoa.lib.models.Protected` item of a working
group) has a model of positions subclassing `PositionBase` (one row per member organisation per
round; a change of mind is a new value of the same row, kept by its history). This module says
who is expected to answer (`member_organisations`), who may answer for which organisation
(`speaks_for`), whom to tell (`people_to_tell`), and where the group stands (`consensus`); the
template ``includes/consensus.html`` shows it the same way everywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Membership, Organisation, Person, Representative
from talanoa.access import viewer_for
from talanoa.lib.models import Protected


class Stance(models.TextChoices):
    SUPPORT = "support", _("Support")
    NO_OBJECTION = "no_objection", _("No objection")
    CONCERN = "concern", _("Concern")
    OBJECT = "object", _("Object")


# Stances that need the chair's record of how they were resolved before consensus is declared.
UNRESOLVED = (Stance.CONCERN, Stance.OBJECT)


class PositionBase(models.Model):
    """A member organisation's position on an item. Subclasses add the item (and the round)
    and a unique constraint on them with the organisation, plus ``history``."""

    Stance = Stance
    UNRESOLVED = UNRESOLVED

    organisation = models.ForeignKey("members.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisation"))
    stance = models.CharField(_("position"), max_length=12, choices=Stance.choices)
    note = models.TextField(_("explanation"), blank=True)
    person = models.ForeignKey("members.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["organisation__name_en"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_stance_display()}"


def save_position(model: type[PositionBase], organisation: Organisation, stance: str, note: str,
                  person: Person | None, **item) -> PositionBase:
    """The organisation's position on the item (`item`: the position's key fields, e.g.
    `paper=…, review_round=…`); recording again replaces it, and the history keeps the earlier
    one."""
    position, created = model.objects.get_or_create(
        organisation=organisation, **item,
        defaults={"stance": stance, "note": note.strip(), "person": person})
    if not created:
        position.stance, position.note, position.person = stance, note.strip(), person
        position.recorded_at = timezone.now()
        position.save()
    return position


def member_organisations(item: Protected) -> QuerySet[Organisation]:
    """The organisations expected to take a position: the item's group's current members, or
    only the named ones for a restricted item."""
    members = Membership.objects.active().filter(group_id=item.group_id,
                                                 kind=Membership.Kind.MEMBER)
    orgs = Organisation.objects.current().filter(pk__in=members.values("organisation_id"))
    if item.level == Protected.Level.RESTRICTED:
        orgs = orgs.filter(pk__in=item.restricted_organisations.values("pk"))
    return orgs


def speaks_for(item: Protected, person_id: int | None) -> list[Organisation]:
    """The member organisations this person may take a position for: those they currently
    represent in the item's group."""
    if person_id is None:
        return []
    represented = (Representative.objects.current()
                   .filter(person_id=person_id, group_id=item.group_id)
                   .values("organisation_id"))
    return list(member_organisations(item).filter(pk__in=represented))


def people_to_tell(item: Protected, organisations=None, editors: bool = False
                   ) -> QuerySet[Person]:
    """Current representatives in the item's group who may see it: of `organisations`, or the
    group's chair and secretariat with `editors`."""
    reps = Representative.objects.current().filter(group_id=item.group_id)
    who = Q(pk__in=[])
    if organisations is not None:
        who |= Q(organisation__in=organisations)
    if editors:
        who |= Q(role__in=Representative.EDITOR_ROLES)
    reps = reps.filter(who)
    if item.level != Protected.Level.PUBLIC:
        # As talanoa.access.build_viewer: a representative whose organisation's standing in the
        # group has ended sees nothing above public (the chair and secretariat keep theirs), and
        # must not be told of it either; a person named on a restricted item still sees it.
        standing = Membership.objects.active().filter(group_id=item.group_id)
        allowed = (Q(role__in=Representative.EDITOR_ROLES)
                   | Q(organisation_id__in=standing.values("organisation_id")))
        if item.level == Protected.Level.RESTRICTED:
            allowed |= Q(person__in=item.restricted_people.all())
        reps = reps.filter(allowed)
    if item.level == Protected.Level.RESTRICTED:
        reps = reps.filter(Q(role__in=Representative.EDITOR_ROLES)
                           | Q(organisation__in=item.restricted_organisations.all())
                           | Q(person__in=item.restricted_people.all()))
    elif item.level == Protected.Level.CORE:
        members = Membership.objects.active().filter(group_id=item.group_id,
                                                     kind=Membership.Kind.MEMBER)
        reps = reps.filter(Q(role__in=Representative.EDITOR_ROLES)
                           | Q(organisation_id__in=members.values("organisation_id")))
    return (Person.objects.current().filter(pk__in=reps.values("person_id")).exclude(email="")
            .order_by("pk"))


class State(models.TextChoices):
    WAITING = "waiting", _("Waiting for positions")
    CONSENSUS = "consensus", _("Consensus: no objection")
    CONCERNS = "concerns", _("Concerns to resolve")
    OBJECTION = "objection", _("Objection: no consensus")


@dataclass(frozen=True)
class Consensus:
    """Where the group stands on an item: its positions, who has not answered, the state."""

    positions: list[PositionBase]
    outstanding: list[Organisation]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def state(self) -> State:
        if self.counts.get(Stance.OBJECT):
            return State.OBJECTION
        if self.counts.get(Stance.CONCERN):
            return State.CONCERNS
        if self.outstanding or not self.positions:
            return State.WAITING
        return State.CONSENSUS

    @property
    def unresolved(self) -> list[PositionBase]:
        return [p for p in self.positions if p.stance in UNRESOLVED]

    @property
    def tally(self) -> list[tuple[str, int]]:
        """(label, count) for each stance taken, in the order of `Stance`."""
        return [(label, self.counts[value]) for value, label in Stance.choices
                if self.counts.get(value)]


def record_from_post(request, item: Protected, form_class, record, refused=()):
    """The view of "record my organisation's position" for any item: the person must speak for
    one of its member organisations (403 otherwise); `record(item, organisation, stance, note,
    person)` is the item's named operation, and `refused` the exceptions by which it declines
    (shown as a message). Redirects back to the item's positions."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect
    from django.utils.translation import gettext


    organisations = speaks_for(item, viewer_for(request).person_id)
    if not organisations:
        raise PermissionDenied
    back = redirect(f"{item.get_absolute_url()}#positions")
    form = form_class(request.POST, organisations=organisations)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    try:
        record(item, form.cleaned_data["organisation"], form.cleaned_data["stance"],
               form.cleaned_data["note"], request.user.person)
    except tuple(refused) as exc:
        messages.error(request, gettext(str(exc)))
    else:
        messages.success(request, gettext("Position recorded."))
    return back


def consensus(item: Protected, positions: QuerySet[PositionBase]) -> Consensus:
    """Where the group stands, from `positions` (already narrowed to the item's current round):
    two queries."""
    taken = list(positions.select_related("organisation"))
    expected = member_organisations(item)
    answered = {p.organisation_id for p in taken}
    return Consensus(positions=taken,
                     outstanding=[o for o in expected if o.pk not in answered],
                     counts=dict(Counter(p.stance for p in taken)))
