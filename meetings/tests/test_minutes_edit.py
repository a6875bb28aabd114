import pytest
from django.urls import reverse

from meetings.models import Minutes

pytestmark = pytest.mark.django_db


def _edit(meeting):
    return reverse("meetings:minutes_edit", args=[meeting.pk])


def test_it_writes_the_first_revision(client_for, held_meeting):
    meeting = held_meeting()
    client = client_for("secretariat")
    assert client.get(_edit(meeting)).status_code == 200
    response = client.post(_edit(meeting), {"text": "# Minutes\n\nWelcome.",
                                            "expected_revision": 0})
    assert response.status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == "draft" and minutes.current.text == "# Minutes\n\nWelcome."
    assert minutes.current.author.email == "secretariat@demo.talanoa.test"


def test_it_adds_a_revision_with_its_reason(client_for, minutes_at):
    minutes = minutes_at("circulated", text="Old text")
    response = client_for("chair").post(_edit(minutes.meeting), {
        "text": "New text", "reason": "After comments", "expected_revision": 1})
    assert response.status_code == 302
    assert list(minutes.revisions.values_list("number", "text", "reason")) == [
        (1, "Old text", ""), (2, "New text", "After comments")]


def test_adopted_minutes_cannot_be_edited(client_for, minutes_at):
    minutes = minutes_at("adopted", text="Adopted text")
    client = client_for("chair")
    # The edit page sends the editor to the correction page...
    response = client.get(_edit(minutes.meeting))
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:minutes_correct", args=[minutes.meeting.pk])
    # ...and a posted edit is refused, changing nothing.
    response = client.post(_edit(minutes.meeting), {"text": "Rewritten history",
                                                     "expected_revision": 1})
    assert response.status_code == 400
    assert b"adopted and locked" in response.content
    assert list(minutes.revisions.values_list("text", flat=True)) == ["Adopted text"]
    minutes.refresh_from_db()
    assert minutes.status == "adopted"


def test_bad_input_changes_nothing(client_for, minutes_at):
    minutes = minutes_at("draft", text="Same")
    client = client_for("chair")
    for data in ({"text": "", "expected_revision": 1}, {"text": "Same", "expected_revision": 1},
                 {"text": "New", "expected_revision": "x"}, {"text": "New", "reason": "r" * 301,
                                                            "expected_revision": 1}):
        assert client.post(_edit(minutes.meeting), data).status_code == 400, data
    assert minutes.revisions.count() == 1


def test_it_shows_a_conflict_instead_of_overwriting(client_for, minutes_at):
    minutes = minutes_at("draft", text="First")
    client_for("secretariat").post(_edit(minutes.meeting), {"text": "Secretariat's wording",
                                                            "expected_revision": 1})
    response = client_for("chair").post(_edit(minutes.meeting), {"text": "Chair's wording",
                                                                 "expected_revision": 1})
    assert response.status_code == 409
    assert b"Secretariat&#x27;s wording" in response.content
    assert minutes.current.text == "Secretariat's wording"
    # The form now carries revision 2: saving again is a deliberate choice.
    assert response.context["form"].data["expected_revision"] == 2


def test_a_meeting_not_yet_held_takes_no_minutes(client_for, group):
    import datetime

    from django.utils import timezone

    from meetings.models import Meeting

    start = timezone.now() + datetime.timedelta(days=5)
    meeting = Meeting.objects.create(group=group, title_en="Ahead", starts_at=start,
                                     ends_at=start, city="Apia")
    response = client_for("chair").post(_edit(meeting), {"text": "Early",
                                                         "expected_revision": 0})
    assert response.status_code == 400
    assert not Minutes.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize("standing", ["member", "observer"])
def test_members_cannot_edit(client_for, minutes_at, standing):
    minutes = minutes_at("circulated")
    response = client_for(standing).post(_edit(minutes.meeting), {"text": "Mine",
                                                                  "expected_revision": 1})
    assert response.status_code == 403
    assert minutes.revisions.count() == 1


def test_a_members_level_meeting_is_hidden_from_outsiders(client_for, minutes_at):
    minutes = minutes_at("draft", level="members")
    assert client_for("outsider").get(_edit(minutes.meeting)).status_code == 404


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 1_200_000, b"This text has 1,200,000 characters; at most 200,000 are allowed here."),
    ("[" * 200_000, b"This text has too much Markdown to be laid out in time"),
])
def test_minutes_too_long_or_too_intricate_to_lay_out_are_refused(client_for, minutes_at, text,
                                                                   message):
    """Issue 25, H1: the minutes are a document of 200,000 characters at most, laid out within
    the renderer's budget (talanoa.lib.markup)."""
    minutes = minutes_at("draft", text="Same")
    response = client_for("chair").post(_edit(minutes.meeting), {"text": text,
                                                                 "expected_revision": 1})
    assert response.status_code == 400 and message in response.content
    assert list(minutes.revisions.values_list("text", flat=True)) == ["Same"]
