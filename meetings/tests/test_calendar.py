"""The public calendar: a month grid, the upcoming list and the archive by year, filtered."""

import pytest

from meetings.models import AgendaItem, Meeting
from meetings.operations import agenda_state
from members.models import WorkingGroup
from portal.models import Post

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return sorted({m.title_en for week in response.context["grid"]
                   for *_rest, meetings in week for m in meetings})


def test_the_month_shows_every_visible_meeting_and_a_multi_day_one_on_each_day(
        client, make_meeting):
    long = make_meeting(days=40, hours=50, title_en="Three-day forum")
    make_meeting("members", days=40, title_en="Members call")
    response = client.get(f"/calendar/?month={long.local_start:%Y-%m}")
    assert response.status_code == 200
    days = [day for week in response.context["grid"] for day, _m, _t, meetings in week
            if any(m.pk == long.pk for m in meetings)]
    assert len(days) == 3 and days[0] == long.local_start.date()
    assert "Members call" not in _titles(response)


def test_filters_by_group_and_kind(client, make_meeting, group):
    taskforce = WorkingGroup.objects.create(slug="cable-tf", name_en="Cable taskforce",
                                            kind="taskforce", parent=group)
    ours = make_meeting(days=45, kind="forum", title_en="ITU forum")
    make_meeting(days=45, group=taskforce, kind="taskforce", title_en="Taskforce call")
    month = f"{ours.local_start:%Y-%m}"
    assert _titles(client.get(f"/calendar/?month={month}&group=cable-tf")) == ["Taskforce call"]
    assert _titles(client.get(f"/calendar/?month={month}&kind=forum")) == ["ITU forum"]
    both = _titles(client.get(f"/calendar/?month={month}"))
    assert {"ITU forum", "Taskforce call"} <= set(both)
    upcoming = client.get("/calendar/upcoming/?kind=taskforce").context["meetings"]
    assert [m.title_en for m in upcoming] == ["Taskforce call"]


def test_bad_filters_fall_back_to_the_whole_calendar(client, make_meeting):
    make_meeting(days=5)
    for query in ("month=2026-13", "month=<script>", "group=nope", "kind=party"):
        response = client.get(f"/calendar/?{query}")
        assert response.status_code == 200
        assert b"<script>" not in response.content


def test_the_year_archive_pages_newest_first(client, make_meeting):
    made = [make_meeting(days=-(i * 2 + 400), title_en=f"Past {i:02}",
                         status=Meeting.Status.HELD) for i in range(35)]
    year = made[0].starts_at.year
    expected = sorted((m for m in made if m.starts_at.year == year),
                      key=lambda m: m.starts_at, reverse=True)
    seen = []
    path = f"/calendar/{year}/"
    for _ in range(5):
        page = client.get(path).context["page"]
        seen += [m.pk for m in page]
        if not page.older:
            break
        path = f"/calendar/{year}/?before={page.older}"
    assert seen == [m.pk for m in expected]


def test_cancelled_and_postponed_stay_on_the_calendar_marked(client, make_meeting):
    make_meeting(days=12, status=Meeting.Status.CANCELLED, title_en="Called off")
    make_meeting(days=13, status=Meeting.Status.POSTPONED, title_en="Later")
    upcoming = client.get("/calendar/upcoming/").content.decode()
    assert "Later" in upcoming and "Postponed" in upcoming
    assert "Called off" not in upcoming  # not upcoming any more: on the month grid, struck


def test_an_editor_edits_the_agenda_and_links_an_item_by_its_address(client_for, make_meeting):
    meeting = make_meeting()
    post = Post.objects.get(title_en__startswith="[members]")
    data = {"agenda-TOTAL_FORMS": "2", "agenda-INITIAL_FORMS": "0",
            "agenda-MIN_NUM_FORMS": "0", "agenda-MAX_NUM_FORMS": "60",
            "agenda-0-order": "1", "agenda-0-title_en": "Opening",
            "agenda-1-order": "2", "agenda-1-title_en": "Draft agenda",
            "agenda-1-link": f"http://testserver{post.get_absolute_url()}",
            "expected_state": agenda_state(meeting.agenda.all())}  # the agenda as loaded
    response = client_for("secretariat").post(f"/meetings/{meeting.pk}/agenda/", data)
    assert response.status_code == 302
    items = list(meeting.agenda.all())
    assert [i.title_en for i in items] == ["Opening", "Draft agenda"]
    assert items[1].item == post


def test_a_bad_agenda_link_is_refused_and_nothing_is_saved(client_for, make_meeting):
    meeting = make_meeting()
    data = {"agenda-TOTAL_FORMS": "1", "agenda-INITIAL_FORMS": "0",
            "agenda-MIN_NUM_FORMS": "0", "agenda-MAX_NUM_FORMS": "60",
            "agenda-0-order": "1", "agenda-0-title_en": "Item",
            "agenda-0-link": "/directory/"}
    response = client_for("chair").post(f"/meetings/{meeting.pk}/agenda/", data)
    assert response.status_code == 400
    assert b"not the address of an item you can see" in response.content
    assert not AgendaItem.objects.filter(meeting=meeting).exists()
    assert client_for("member").get(f"/meetings/{meeting.pk}/agenda/").status_code == 403


def test_search_finds_meetings_the_reader_may_see_and_no_other(client, client_for,
                                                              make_meeting):
    for level in ("public", "members", "core", "restricted"):
        make_meeting(level, title_en=f"Spectrum meeting {level}")
    anonymous = client.get("/search/?q=spectrum").content.decode()
    assert "Spectrum meeting public" in anonymous
    assert all(f"Spectrum meeting {level}" not in anonymous
               for level in ("members", "core", "restricted"))
    outsider = client_for("outsider").get("/search/?q=spectrum").content.decode()
    assert "Spectrum meeting members" not in outsider
    member = client_for("member").get("/search/?q=spectrum").content.decode()
    assert "Spectrum meeting members" in member and "Spectrum meeting core" in member
    assert "Spectrum meeting restricted" not in member
