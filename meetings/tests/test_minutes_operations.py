import datetime

import pytest
from django.utils import timezone

from meetings import operations
from meetings.models import (
    Meeting,
    MeetingTransition,
    Minutes,
    MinutesRevision,
)
from talanoa.lib.editing import EditConflict
from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_it_writes_revisions_and_logs_each_step(minutes_at, people):
    minutes = minutes_at("draft")
    operations.write_minutes(minutes, "# Minutes\n\nOpening and welcome.", people["secretariat"],
                             "typo")
    assert list(minutes.revisions.values_list("number", "reason")) == [(1, ""), (2, "typo")]
    operations.circulate_minutes(minutes, timezone.localdate(), people["chair"])
    operations.adopt_minutes(minutes, people["chair"], "Adopted at the next meeting")
    minutes.refresh_from_db()
    assert minutes.is_locked and minutes.adopted_at is not None
    assert [(t.from_status, t.to_status) for t in minutes.transitions.all()] == [
        ("", "draft"), ("draft", "circulated"), ("circulated", "adopted")]
    meeting = Meeting.objects.get(pk=minutes.meeting_id)
    assert meeting.status == Meeting.Status.MINUTES_ADOPTED
    last = MeetingTransition.objects.filter(meeting=meeting).last()
    assert (last.from_status, last.to_status) == ("held", "minutes_adopted")


def test_adopted_minutes_refuse_a_new_revision(minutes_at, people):
    minutes = minutes_at("adopted")
    with pytest.raises(operations.MinutesLocked):
        operations.write_minutes(minutes, "Changed after adoption", people["chair"])
    assert minutes.revisions.count() == 1


def test_a_correction_keeps_both_revisions(minutes_at, people):
    minutes = minutes_at("adopted", text="Adopted text")
    operations.correct_minutes(minutes, "Corrected text", "Wrong date in item 2",
                               people["secretariat"])
    first, second = minutes.revisions.order_by("number")
    assert (first.text, first.is_correction) == ("Adopted text", False)
    assert (second.text, second.is_correction, second.reason) == (
        "Corrected text", True, "Wrong date in item 2")
    assert minutes.current == second


def test_a_correction_needs_a_reason_and_adopted_minutes(minutes_at, people):
    adopted = minutes_at("adopted")
    with pytest.raises(ValueError):
        operations.correct_minutes(adopted, "New", "  ", people["chair"])
    draft = minutes_at("draft")
    with pytest.raises(operations.InvalidTransition):
        operations.correct_minutes(draft, "New", "Reason", people["chair"])
    assert MinutesRevision.objects.filter(is_correction=True).count() == 0


def test_minutes_need_a_held_meeting(group, people):
    start = timezone.now() + datetime.timedelta(days=3)
    meeting = Meeting.objects.create(group=group, title_en="Not yet", starts_at=start,
                                     ends_at=start, city="Apia")
    with pytest.raises(operations.InvalidTransition):
        operations.write_minutes(Minutes(meeting=meeting), "Too early", people["chair"])
    assert not Minutes.objects.filter(meeting=meeting).exists()


def test_only_circulated_minutes_are_adopted(minutes_at, people):
    minutes = minutes_at("draft")
    with pytest.raises(operations.InvalidTransition):
        operations.adopt_minutes(minutes, people["chair"])
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.DRAFT
    assert Meeting.objects.get(pk=minutes.meeting_id).status == Meeting.Status.HELD


def test_a_stale_revision_raises_a_conflict(minutes_at, people):
    minutes = minutes_at("draft")
    operations.write_minutes(minutes, "Secretariat's text", people["secretariat"],
                             expected_revision=1)
    with pytest.raises(EditConflict) as conflict:
        operations.write_minutes(minutes, "Chair's text", people["chair"], expected_revision=1)
    assert conflict.value.current.text == "Secretariat's text"
    assert minutes.revisions.count() == 2


def test_comments_only_while_circulated_and_until_the_date(minutes_at, people):
    member = people["member"].person
    draft = minutes_at("draft")
    with pytest.raises(operations.CommentsClosed):
        operations.comment_on_minutes(draft, member, "Too early")
    minutes = minutes_at("circulated", until=timezone.localdate())
    comment = operations.comment_on_minutes(minutes, member, " Item 3 is wrong ", "Item 3")
    assert (comment.text, comment.section, comment.revision) == ("Item 3 is wrong", "Item 3", 1)
    assert comment.organisation_id == member.organisation_id
    Minutes.objects.filter(pk=minutes.pk).update(
        comments_until=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(operations.CommentsClosed):
        operations.comment_on_minutes(minutes, member, "Too late")
    assert minutes.comments.count() == 1


def test_decisions_are_numbered_and_lock_with_the_minutes(minutes_at, people):
    minutes = minutes_at("circulated")
    meeting = minutes.meeting
    one = operations.record_decision(meeting, "Adopt the strategy", "Adopter la stratégie")
    two = operations.record_decision(meeting, "", "Créer un groupe spécial")
    assert (one.number, two.number) == (1, 2)
    operations.adopt_minutes(minutes, people["chair"])
    with pytest.raises(operations.MinutesLocked):
        operations.record_decision(meeting, "Too late")
    assert meeting.decisions.count() == 2


def test_attendance_is_replaced_as_recorded(held_meeting, people):
    meeting = held_meeting()
    member, chair = people["member"].person, people["chair"].person
    operations.record_attendance(meeting, [(member, member.organisation_id, "in_person"),
                                           (chair, chair.organisation_id, "remote")])
    operations.record_attendance(meeting, [(member.pk, member.organisation_id, "remote")])
    assert list(meeting.attendance.values_list("person_id", "presence")) == [
        (member.pk, "remote")]


def test_action_status_changes_are_logged(held_meeting, people):
    meeting = held_meeting()
    member = people["member"].person
    action = operations.add_action(meeting, "Send the study", member.organisation,
                                   people["chair"], owner_person=member)
    operations.set_action_status(action, Task.Status.DONE, people["member"], "Sent")
    action.refresh_from_db()
    assert action.status == "done"
    assert [(t.from_status, t.to_status, t.reason) for t in action.transitions.all()] == [
        ("", "open", ""), ("open", "done", "Sent")]
    with pytest.raises(operations.InvalidTransition):
        operations.set_action_status(action, Task.Status.DONE, people["member"])
