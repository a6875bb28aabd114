"""The access policy's viewer for a signed-in person, from their memberships and representatives
(registered with talanoa.access by members.apps)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef

from members.models import Membership, Representative, WorkingGroup
from talanoa.access import Viewer

_STANDING_RANK = {"consultative": 1, "observer": 2, "member": 3, "chair": 5, "secretariat": 5}


def _descendants(groups: Iterable[int], parent_of: dict[int, int | None]) -> set[int]:
    """The groups given plus every group below them (taskforces, sub-working groups: R6)."""
    result = set(groups)
    changed = True
    while changed:
        changed = False
        for child, parent in parent_of.items():
            if parent in result and child not in result:
                result.add(child)
                changed = True
    return result


def signed_in_viewer(user, grants: frozenset[tuple[int, int]]) -> Viewer:
    """What a signed-in person may see: their current representations, with the standing of each
    organisation in its group, spread down to the groups below (taskforces); a constant number
    of queries."""
    person = getattr(user, "person", None)
    person_id = getattr(person, "pk", None)
    if person_id is None:
        return Viewer(user_id=user.pk, is_superuser=user.is_superuser, grants=grants)

    standing_of_org = (Membership.objects.active()
                       .filter(group_id=OuterRef("group_id"),
                               organisation_id=OuterRef("organisation_id"))
                       .values("kind")[:1])
    reps = list(
        Representative.objects.current()
        .filter(person_id=person_id)
        .annotate(membership_kind=standing_of_org)
        .values_list("group_id", "organisation_id", "role", "membership_kind")
    )
    parent_of = dict(WorkingGroup.objects.values_list("id", "parent_id")) if reps else {}
    org_ids: set[int] = set()
    member, core, editor, chair = set(), set(), set(), set()
    standings: dict[int, str] = {}
    for group_id, org_id, role, membership_kind in reps:
        if role in Representative.EDITOR_ROLES:
            editor.add(group_id)
            own = "secretariat" if role == Representative.Role.SECRETARIAT else "chair"
            if role != Representative.Role.SECRETARIAT:
                chair.add(group_id)
        elif membership_kind:
            own = membership_kind
        else:
            continue  # the organisation's standing in the group has ended
        org_ids.add(org_id)
        member.add(group_id)
        if own in ("member", "chair", "secretariat"):
            core.add(group_id)
        for gid in _descendants([group_id], parent_of):
            if _STANDING_RANK.get(own, 0) > _STANDING_RANK.get(standings.get(gid, ""), 0):
                standings[gid] = own
    return Viewer(
        user_id=user.pk,
        person_id=person_id,
        is_superuser=user.is_superuser,
        org_ids=frozenset(org_ids),
        member_groups=frozenset(_descendants(member, parent_of)),
        core_groups=frozenset(_descendants(core, parent_of)),
        editor_groups=frozenset(_descendants(editor, parent_of)),
        chair_groups=frozenset(_descendants(chair, parent_of)),
        standings=standings,
        grants=grants,
        time_zone=person.time_zone or None,
    )
