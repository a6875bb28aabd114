import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Minutes

pytestmark = pytest.mark.django_db


def _comment(meeting):
    return reverse("meetings:minutes_comment", args=[meeting.pk])


@pytest.mark.parametrize("standing", ["member", "observer", "consultative", "chair"])
def test_members_comment_while_circulated(client_for, minutes_at, standing):
    minutes = minutes_at("circulated")
    response = client_for(standing).post(_comment(minutes.meeting), {
        "section": "Item 2", "text": "The figure is 42, not 24."})
    assert response.status_code == 302
    comment = minutes.comments.get()
    assert (comment.section, comment.text, comment.revision) == (
        "Item 2", "The figure is 42, not 24.", 1)
    page = client_for("member").get(reverse("meetings:minutes", args=[minutes.meeting.pk]))
    assert b"The figure is 42, not 24." in page.content


def test_comments_after_the_deadline_are_refused(client_for, minutes_at):
    minutes = minutes_at("circulated")
    Minutes.objects.filter(pk=minutes.pk).update(
        comments_until=timezone.localdate() - datetime.timedelta(days=1))
    response = client_for("member").post(_comment(minutes.meeting), {"text": "Late"})
    assert response.status_code == 400
    assert b"Comments on these minutes are closed" in response.content
    assert not minutes.comments.exists()


def test_the_last_day_is_still_open(client_for, minutes_at):
    minutes = minutes_at("circulated", until=timezone.localdate())
    assert client_for("member").post(_comment(minutes.meeting), {"text": "Just in time"}
                                     ).status_code == 302


def test_adopted_minutes_take_no_comments(client_for, minutes_at):
    minutes = minutes_at("adopted")
    assert client_for("member").post(_comment(minutes.meeting), {"text": "Late"}
                                     ).status_code == 400
    assert not minutes.comments.exists()


def test_an_empty_comment_is_refused(client_for, minutes_at):
    minutes = minutes_at("circulated")
    response = client_for("member").post(_comment(minutes.meeting), {"text": "   "})
    assert response.status_code == 400
    assert not minutes.comments.exists()


def test_outsiders_cannot_comment(client_for, minutes_at):
    public = minutes_at("circulated")
    assert client_for("outsider").post(_comment(public.meeting), {"text": "Hi"}
                                       ).status_code == 403
    members = minutes_at("circulated", level="members")
    assert client_for("outsider").post(_comment(members.meeting), {"text": "Hi"}
                                       ).status_code == 404
    assert client_for("anonymous").post(_comment(members.meeting), {"text": "Hi"}
                                        ).status_code == 302
    assert not public.comments.exists() and not members.comments.exists()


def test_a_draft_takes_no_comments_from_members(client_for, minutes_at):
    minutes = minutes_at("draft")
    assert client_for("member").post(_comment(minutes.meeting), {"text": "Early"}
                                     ).status_code == 404
    assert not minutes.comments.exists()
