"""Who reads the minutes: the meeting's visibility first, then the minutes' stage."""

import pytest
from django.urls import reverse

from meetings import operations

pytestmark = pytest.mark.django_db

TEXT = "Confidential paragraph about the cable"


def _page(client, minutes):
    return client.get(reverse("meetings:minutes", args=[minutes.meeting.pk]))


def _detail(client, minutes):
    return client.get(reverse("meetings:meeting", args=[minutes.meeting.pk]))


@pytest.mark.parametrize("standing", ["anonymous", "outsider"])
def test_members_level_minutes_are_invisible_to_non_members(client_for, minutes_at, standing):
    minutes = minutes_at("adopted", level="members", text=TEXT)
    client = client_for(standing)
    assert _page(client, minutes).status_code == 404
    assert _detail(client, minutes).status_code == 404
    assert client.get(reverse("meetings:minutes_revision", args=[minutes.meeting.pk, 1])
                      ).status_code == 404
    assert client.get(reverse("meetings:minutes_diff", args=[minutes.meeting.pk])
                      ).status_code == 404


@pytest.mark.parametrize("standing", ["consultative", "observer", "member"])
def test_members_read_members_level_minutes_once_circulated(client_for, minutes_at, standing):
    minutes = minutes_at("circulated", level="members", text=TEXT)
    response = _page(client_for(standing), minutes)
    assert response.status_code == 200 and TEXT.encode() in response.content
    assert TEXT.encode() in _detail(client_for(standing), minutes).content


def test_core_minutes_are_hidden_from_observers(client_for, minutes_at):
    minutes = minutes_at("adopted", level="core", text=TEXT)
    assert _page(client_for("observer"), minutes).status_code == 404
    assert TEXT.encode() in _page(client_for("member"), minutes).content


def test_a_draft_is_for_the_editors_only(client_for, minutes_at):
    minutes = minutes_at("draft", text=TEXT)
    for standing in ("anonymous", "member"):
        response = _page(client_for(standing), minutes)
        assert response.status_code == 200 and TEXT.encode() not in response.content
        assert TEXT.encode() not in _detail(client_for(standing), minutes).content
        assert client_for(standing).get(reverse(
            "meetings:minutes_revision", args=[minutes.meeting.pk, 1])).status_code == 404
    assert TEXT.encode() in _page(client_for("secretariat"), minutes).content


def test_circulated_public_minutes_wait_for_adoption_before_the_public(client_for, minutes_at):
    minutes = minutes_at("circulated", text=TEXT)
    assert TEXT.encode() not in _page(client_for("anonymous"), minutes).content
    assert TEXT.encode() in _page(client_for("member"), minutes).content
    operations.adopt_minutes(minutes, None)
    assert TEXT.encode() in _page(client_for("anonymous"), minutes).content


def test_the_public_sees_the_adopted_text_and_corrections_not_the_drafts(
        client_for, minutes_at, people):
    minutes = minutes_at("draft", text="Early draft wording")
    operations.write_minutes(minutes, "Circulated wording", people["chair"])
    operations.circulate_minutes(minutes, minutes.meeting.starts_at.date().replace(year=2100),
                                 people["chair"])
    operations.adopt_minutes(minutes, people["chair"])
    operations.correct_minutes(minutes, "Corrected wording", "Typo", people["chair"])
    anonymous = client_for("anonymous")
    revisions = _page(anonymous, minutes).context["revisions"]
    assert [r.number for r in revisions] == [2, 3]
    diff = reverse("meetings:minutes_diff", args=[minutes.meeting.pk]) + "?a=2&amp;b=3"
    assert diff.encode() in _page(anonymous, minutes).content
    assert anonymous.get(diff.replace("&amp;", "&")).status_code == 200
    assert anonymous.get(reverse("meetings:minutes_revision", args=[minutes.meeting.pk, 1])
                         ).status_code == 404
    assert [r.number for r in _page(client_for("member"), minutes).context["revisions"]] == [
        1, 2, 3]


def test_the_diff_shows_what_changed(client_for, minutes_at, people):
    minutes = minutes_at("circulated", text="Line one\nLine two\nLine three")
    operations.write_minutes(minutes, "Line one\nLine 2\nLine three", people["chair"])
    client = client_for("member")
    url = reverse("meetings:minutes_diff", args=[minutes.meeting.pk])
    for response in (client.get(url), client.get(url + "?a=1&b=2")):
        assert response.status_code == 200
        assert b"<del>- Line two</del>" in response.content
        assert b"<ins>+ Line 2</ins>" in response.content
    assert client.get(url + "?a=1&b=9").status_code == 400
    assert client.get(url + "?a=x").status_code == 400


def test_markdown_is_rendered_safely(client_for, minutes_at):
    minutes = minutes_at("adopted", text="**Agreed**\n\n<script>alert(1)</script>")
    content = _page(client_for("anonymous"), minutes).content
    assert b"<strong>Agreed</strong>" in content
    assert b"<script>alert(1)" not in content
