"""What a viewer reads of a meeting's record: minutes, decisions, attendance and actions.

The minutes inherit the meeting's visibility (the meeting is always fetched through the access
policy first); within it, a draft is for the group's editors, circulated minutes are for the
group's members (who may comment), and adopted minutes for everyone who may see the meeting.
Decisions, attendance and actions are part of the minutes and are read with them; actions are
the group's tasks (the tasks app), which also reach their owners' pages (tasks.lists).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q

from meetings.models import Meeting, Minutes, MinutesRevision
from meetings.operations import comments_open
from talanoa.access import Viewer


def can_read(minutes: Minutes | None, meeting: Meeting, viewer: Viewer) -> bool:
    """May this viewer, who already sees the meeting, read its minutes as they stand?"""
    if viewer.edits(meeting.group_id):
        return True
    if minutes is None:
        return False
    if minutes.status == Minutes.Status.ADOPTED:
        return True
    return (minutes.status == Minutes.Status.CIRCULATED
            and viewer.sees_members_level(meeting.group_id))


def can_comment(minutes: Minutes | None, meeting: Meeting, viewer: Viewer) -> bool:
    return (minutes is not None and viewer.person_id is not None
            and viewer.sees_members_level(meeting.group_id) and comments_open(minutes))


def sees_all_revisions(meeting: Meeting, viewer: Viewer) -> bool:
    """Members and editors follow every revision; other readers of adopted minutes see the
    adopted text and its corrections (not the drafts before it)."""
    return viewer.sees_members_level(meeting.group_id)


def revisions_for(minutes: Minutes, meeting: Meeting, viewer: Viewer):
    """The revisions this viewer may read, oldest first (one query)."""
    revisions = minutes.revisions.select_related("author").order_by("number")
    if sees_all_revisions(meeting, viewer):
        return revisions
    adopted = (minutes.revisions.filter(is_correction=False).order_by("-number")
               .values("number")[:1])
    return revisions.filter(Q(is_correction=True) | Q(number=adopted))


@dataclass
class Record:
    """One meeting's record as one viewer reads it: a fixed number of queries, whatever it
    holds."""

    meeting: Meeting
    minutes: Minutes | None = None
    readable: bool = False
    current: MinutesRevision | None = None
    decisions: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    attendance: list = field(default_factory=list)
    comment_count: int = 0
    can_edit: bool = False
    can_comment: bool = False
    shows_names: bool = False

    @property
    def is_locked(self) -> bool:
        return self.minutes is not None and self.minutes.is_locked

    @property
    def is_held(self) -> bool:
        return self.meeting.status in (Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED)


def record_for(meeting: Meeting, viewer: Viewer) -> Record:
    minutes = Minutes.objects.filter(meeting=meeting).first()
    record = Record(meeting=meeting, minutes=minutes, can_edit=viewer.edits(meeting.group_id),
                    shows_names=viewer.sees_members_level(meeting.group_id))
    # Before the meeting is held there is nothing to read (and nothing to query).
    record.readable = (minutes is not None or record.is_held) and can_read(minutes, meeting,
                                                                          viewer)
    if not record.readable:
        return record
    if minutes is not None:
        record.current = minutes.revisions.select_related("author").order_by("-number").first()
        record.can_comment = can_comment(minutes, meeting, viewer)
        if record.shows_names:
            record.comment_count = minutes.comments.count()
    record.decisions = list(meeting.decisions.order_by("number"))
    record.actions = list(meeting.actions.select_related("owner_organisation", "owner_person")
                          .order_by(F("due_on").asc(nulls_last=True), "pk"))
    record.attendance = list(meeting.attendance.select_related("person", "organisation"))
    return record
