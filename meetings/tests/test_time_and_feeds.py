"""Times across the date line and daylight saving; feeds that two independent parsers read."""

import datetime
import zoneinfo

import icalendar
import pytest
import vobject

from meetings.models import CalendarToken, Meeting
from meetings.views import hash_token

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _convene(client, group, zone: str, local_start: str, title: str) -> Meeting:
    day = local_start.split("T")[0]
    response = client.post("/meetings/new/", {
        "group": group.pk, "kind": "working_group", "level": "public", "title_en": title,
        "time_zone": zone, "local_start": local_start, "local_end": f"{day}T12:00",
        "mode": "in_person", "city": "Somewhere", "reminder_days": ""})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Meeting.objects.get(title_en=title)


def _parsed_starts(feed: bytes) -> dict[str, datetime.datetime]:
    """{summary: start in UTC} from icalendar and, separately, from vobject; both must agree."""
    by_icalendar = {str(e["SUMMARY"]): e.decoded("DTSTART").astimezone(UTC)
                    for e in icalendar.Calendar.from_ical(feed).walk("VEVENT")}
    # vobject keeps every VTIMEZONE it has read in a process-wide table, by TZID: forget them,
    # so each feed is read with its own definitions, as a calendar program would.
    vobject.icalendar.__dict__["__tzidMap"].clear()
    by_vobject = {e.summary.value: e.dtstart.value.astimezone(UTC)
                  for e in vobject.readOne(feed.decode()).vevent_list}
    assert by_icalendar == by_vobject
    return by_icalendar


def test_apia_tuesday_morning_is_honolulu_monday(client_for, group, people):
    # 2027-03-02 is a Tuesday. Apia is UTC+13 all year, Honolulu UTC-10.
    meeting = _convene(client_for("chair"), group, "Pacific/Apia", "2027-03-02T09:00",
                       "Apia meeting")
    assert meeting.starts_at == datetime.datetime(2027, 3, 1, 20, 0, tzinfo=UTC)
    reader = people["member"].person
    reader.time_zone = "Pacific/Honolulu"
    reader.save()
    page = client_for("member").get(meeting.get_absolute_url()).content.decode()
    assert "Tuesday 2 March 2027, 09:00" in page  # at the meeting
    assert "Monday 1 March 2027, 10:00" in page  # for the reader in Honolulu
    month = client_for("member").get("/calendar/?month=2027-03")
    cells = {day: [m.title_en for m in meetings]
             for week in month.context["grid"] for day, _in, _today, meetings in week}
    assert cells[datetime.date(2027, 3, 1)] == ["Apia meeting"]
    assert cells[datetime.date(2027, 3, 2)] == []
    starts = _parsed_starts(client_for("anonymous").get("/calendar/feed.ics").content)
    assert starts["Apia meeting"] == datetime.datetime(2027, 3, 1, 20, 0, tzinfo=UTC)
    local = starts["Apia meeting"].astimezone(zoneinfo.ZoneInfo("Pacific/Honolulu"))
    assert (local.strftime("%A"), local.hour) == ("Monday", 10)


def test_the_browser_zone_is_used_when_there_is_no_profile(client, group, client_for):
    meeting = _convene(client_for("chair"), group, "Pacific/Apia", "2027-03-02T09:00",
                       "Apia meeting")
    client.cookies["tz"] = "Pacific/Rarotonga"
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Monday 1 March 2027, 10:00" in page and "Pacific/Rarotonga" in page
    client.cookies["tz"] = "Not/AZone"
    assert client.get(meeting.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(("local_start", "utc_start"), [
    # Auckland keeps daylight time (UTC+13) until 03:00 on Sunday 4 April 2027, then UTC+12.
    ("2027-04-02T09:00", datetime.datetime(2027, 4, 1, 20, 0, tzinfo=UTC)),
    ("2027-04-05T09:00", datetime.datetime(2027, 4, 4, 21, 0, tzinfo=UTC)),
    # and starts it again on Sunday 26 September 2027.
    ("2027-09-27T09:00", datetime.datetime(2027, 9, 26, 20, 0, tzinfo=UTC)),
])
def test_auckland_daylight_saving(client_for, group, local_start, utc_start):
    meeting = _convene(client_for("chair"), group, "Pacific/Auckland", local_start,
                       f"Auckland {local_start}")
    assert meeting.starts_at == utc_start
    starts = _parsed_starts(client_for("anonymous").get(
        f"/meetings/{meeting.pk}/meeting.ics").content)
    assert starts[f"Auckland {local_start}"] == utc_start


def test_norfolk_daylight_saving(client_for, group):
    # Norfolk Island: UTC+11, and UTC+12 from the first Sunday of October.
    winter = _convene(client_for("chair"), group, "Pacific/Norfolk", "2027-07-01T09:00",
                      "Norfolk July")
    summer = _convene(client_for("chair"), group, "Pacific/Norfolk", "2027-12-01T09:00",
                      "Norfolk December")
    assert winter.starts_at.hour == 22 and summer.starts_at.hour == 21
    starts = _parsed_starts(client_for("anonymous").get("/calendar/feed.ics").content)
    assert starts["Norfolk July"] == winter.starts_at
    assert starts["Norfolk December"] == summer.starts_at


def test_the_public_feed_never_holds_a_members_level_meeting(client, make_meeting):
    for level in ("public", "members", "core", "restricted"):
        make_meeting(level, title_en=f"Secret? {level}", online_url="https://meet.example/x",
                     mode="hybrid")
    feeds = [client.get("/calendar/feed.ics"), client.get("/calendar/groups/ict/feed.ics")]
    for response in feeds:
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        text = response.content.decode()
        starts = _parsed_starts(response.content)
        assert "Secret? public" in starts
        for level in ("members", "core", "restricted"):
            assert f"Secret? {level}" not in text and f"[{level}]" not in text
        assert "meet.example" not in text  # online links never go public


def test_a_requested_meeting_is_on_no_calendar(client, make_meeting):
    make_meeting("public", status=Meeting.Status.REQUESTED, title_en="Only asked for")
    assert b"Only asked for" not in client.get("/calendar/feed.ics").content
    assert b"Only asked for" not in client.get("/calendar/upcoming/").content


def test_a_personal_feed_holds_what_its_owner_may_see(client_for, client, make_meeting,
                                                      people):
    for level in ("public", "members", "core", "restricted"):
        make_meeting(level, title_en=f"Mine? {level}", online_url="https://meet.example/y",
                     mode="hybrid")
    member = client_for("member")
    page = member.post("/calendar/mine/")
    address = page.context["feed_url"]
    path = address.split("testserver", 1)[1]
    response = client.get(path)  # a calendar program: no session
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    starts = _parsed_starts(response.content)
    assert {"Mine? public", "Mine? members", "Mine? core"} <= set(starts)
    assert "Mine? restricted" not in starts
    assert "meet.example/y" in response.content.decode()
    observer_path = client_for("observer").post("/calendar/mine/").context["feed_url"].split(
        "testserver", 1)[1]
    observer_starts = _parsed_starts(client.get(observer_path).content)
    assert "Mine? members" in observer_starts and "Mine? core" not in observer_starts
    # a new address revokes the old one
    member.post("/calendar/mine/")
    assert client.get(path).status_code == 404
    assert CalendarToken.objects.filter(person=people["member"].person,
                                        revoked_at__isnull=True).count() == 1


def test_a_personal_feed_follows_the_policy_today(client_for, client, make_meeting, people):
    make_meeting("members", title_en="Members only")
    path = client_for("member").post("/calendar/mine/").context["feed_url"].split(
        "testserver", 1)[1]
    assert b"Members only" in client.get(path).content
    people["member"].is_active = False
    people["member"].save()
    assert client.get(path).status_code == 404


def test_turning_the_feed_off(client_for, client, people):
    member = client_for("member")
    path = member.post("/calendar/mine/").context["feed_url"].split("testserver", 1)[1]
    member.post("/calendar/mine/", {"revoke": "1"})
    assert client.get(path).status_code == 404
    assert not CalendarToken.objects.filter(person=people["member"].person,
                                            revoked_at__isnull=True).exists()
    assert hash_token("x") != hash_token("y")


def test_a_meeting_download_hides_the_online_link_from_strangers(client, client_for,
                                                                 make_meeting):
    meeting = make_meeting("public", online_url="https://meet.example/z", mode="hybrid")
    assert b"meet.example/z" not in client.get(f"/meetings/{meeting.pk}/meeting.ics").content
    assert b"meet.example/z" not in client.get(meeting.get_absolute_url()).content
    member = client_for("member")
    assert b"meet.example/z" in member.get(f"/meetings/{meeting.pk}/meeting.ics").content
    assert b"meet.example/z" in member.get(meeting.get_absolute_url()).content


def test_a_cached_public_feed_follows_every_change(client, client_for, make_meeting,
                                                   django_assert_max_num_queries):
    meeting = make_meeting("public", title_en="Before")
    assert b"Before" in client.get("/calendar/feed.ics").content
    with django_assert_max_num_queries(1):  # the cached feed: one question to the database
        assert b"Before" in client.get("/calendar/feed.ics").content
    meeting.title_en = "After"
    meeting.save()
    assert b"After" in client.get("/calendar/feed.ics").content
    meeting.level = "members"
    meeting.save()
    assert b"After" not in client.get("/calendar/feed.ics").content
    make_meeting("public", title_en="Newcomer")
    assert b"Newcomer" in client.get("/calendar/feed.ics").content


def test_an_invitation_outlived_by_the_membership_no_longer_shows_the_online_link(
        client_for, make_meeting, people):
    import datetime as dt

    from meetings import operations
    from members.models import Membership

    meeting = make_meeting("public", online_url="https://meet.example/former", mode="hybrid")
    operations.invite_group(meeting)
    observer = client_for("observer")
    assert b"meet.example/former" in observer.get(meeting.get_absolute_url()).content
    Membership.objects.filter(organisation=people["observer"].person.organisation).update(
        end=dt.date.today() - dt.timedelta(days=1))
    observer = client_for("observer")  # a new request: the policy as it stands today
    page = observer.get(meeting.get_absolute_url())
    assert page.status_code == 200 and b"meet.example/former" not in page.content
    assert b"meet.example/former" not in observer.get(
        f"/meetings/{meeting.pk}/meeting.ics").content
