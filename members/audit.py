"""What changes of standings and permissions the audit log records (talanoa.auditlog.watch):
memberships added, changed or ended; representatives confirmed, ended or given another role
(chair, vice-chair and secretariat are the group's editors); accounts given or losing staff,
superuser or active."""

from __future__ import annotations

from members.models import Membership, Representative, User
from talanoa.auditlog import Kind, cheap_text, record, watch


def _membership_saved(instance: Membership, created: bool, changes: dict[str, list]) -> None:
    if not changes:
        return
    if created:
        kind = Kind.MEMBERSHIP_CREATED
    elif "end" in changes and instance.end is not None:
        kind = Kind.MEMBERSHIP_ENDED
    else:
        kind = Kind.MEMBERSHIP_CHANGED
    record(kind, target=instance, target_text=cheap_text(instance), detail={
        "group": instance.group_id, "organisation": instance.organisation_id,
        "kind": instance.kind, "changes": changes})


def _representative_saved(instance: Representative, created: bool,
                          changes: dict[str, list]) -> None:
    detail = {"group": instance.group_id, "organisation": instance.organisation_id,
              "person": instance.person_id, "year": instance.year, "role": instance.role,
              "editor": instance.role in Representative.EDITOR_ROLES, "changes": changes}
    text = cheap_text(instance)
    if "role" in changes and not created:
        record(Kind.ROLE_CHANGED, target=instance, target_text=text, detail=detail)
    if "status" in changes and instance.status == Representative.Status.CONFIRMED:
        record(Kind.REPRESENTATIVE_CONFIRMED, target=instance, target_text=text, detail=detail)
    if "ended_on" in changes and instance.ended_on is not None:
        record(Kind.REPRESENTATIVE_ENDED, target=instance, target_text=text, detail=detail)


def _user_saved(instance: User, created: bool, changes: dict[str, list]) -> None:
    if created:  # a new account matters here only if it starts with powers
        changes = {k: v for k, v in changes.items() if k != "is_active" and v[1]}
    if changes:
        record(Kind.ACCOUNT_FLAGS, target=instance, target_text=instance.email,
               detail={"changes": changes, "created": created})


def watch_standings() -> None:
    watch(Membership, ("kind", "start", "end"), _membership_saved)
    watch(Representative, ("status", "role", "ended_on"), _representative_saved)
    watch(User, ("is_staff", "is_superuser", "is_active"), _user_saved)
