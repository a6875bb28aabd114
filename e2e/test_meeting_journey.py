"""The chair convenes → a representative's email holds a .ics → they answer through the link →
the meeting page shows the answer and the calendar lists the meeting. In a real Chromium."""

import datetime
import re

import icalendar
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import DEMO
from e2e.conftest import snap
from e2e.test_invitation_journey import DEMO_PASSWORD, EDITOR_SECRET, sign_in

pytestmark = pytest.mark.e2e
TITLE = "Working group meeting on cable resilience"
RSVP_LINK = re.compile(r"https?://\S+/meetings/answer/\S+/")


def test_convene_email_ics_answer_and_calendar(world, new_context, mailoutbox):
    from meetings.models import Meeting

    url = world.url
    day = datetime.date.today() + datetime.timedelta(days=10)

    chair = new_context().new_page()
    sign_in(chair, url, DEMO["chair"], DEMO_PASSWORD, EDITOR_SECRET)
    chair.goto(url + "/calendar/")
    chair.get_by_role("link", name="Convene a meeting").click()
    chair.get_by_label("Group").select_option(label="CROP ICT Working Group")
    chair.get_by_label("Dissemination level").select_option("public")
    chair.get_by_label("Title (English)").fill(TITLE)
    chair.get_by_label("Time zone").fill("Pacific/Apia")
    chair.get_by_label("Starts (local time at the meeting)").fill(f"{day:%Y-%m-%d}T09:00")
    chair.get_by_label("Ends (local time at the meeting)").fill(f"{day:%Y-%m-%d}T16:00")
    chair.get_by_label("Mode").select_option("in_person")
    chair.get_by_label("City").fill("Apia")
    snap(chair, "meeting-convene-form")
    chair.get_by_role("button", name="Convene").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(chair.get_by_text("Convened. Every representative")).to_be_visible()
    meeting = Meeting.objects.get(title_en=TITLE)

    # The background worker sends the notices.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)
    message = next(m for m in mailoutbox if m.to == [DEMO["member"]])
    (_name, content, mimetype) = next(a for a in message.attachments if a[0] == "invite.ics")
    assert mimetype.startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(content)
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid and str(event["SUMMARY"]) == TITLE
    assert event.decoded("DTSTART") == meeting.starts_at
    link = RSVP_LINK.search(message.body).group(0)
    assert link.startswith(url)

    # The representative answers from the email, without logging in.
    member = new_context().new_page()
    member.goto(link)
    expect(member.get_by_role("heading", level=1)).to_have_text(TITLE)
    member.get_by_label("Attending", exact=True).check()
    member.get_by_label("Apologies or a note (optional)").fill("Arriving from Suva on Monday.")
    snap(member, "meeting-answer")
    member.get_by_role("button", name="Send my answer").click()
    expect(member.get_by_text("Thank you: your answer is recorded.")).to_be_visible()
    expect(member.get_by_text("Answer on record: Attending")).to_be_visible()

    # The meeting page shows the answer; the calendar lists the meeting.
    chair.reload()
    row = chair.get_by_role("row").filter(has_text="Ana Raikadroka")
    expect(row).to_contain_text("Attending")
    expect(row).to_contain_text("Arriving from Suva on Monday.")
    snap(chair, "meeting-page-chair")
    anonymous = new_context().new_page()
    anonymous.goto(url + f"/calendar/?month={day:%Y-%m}")
    expect(anonymous.get_by_role("link", name=re.compile(TITLE))).to_be_visible()
    snap(anonymous, "calendar-month")
    anonymous.goto(url + "/calendar/upcoming/")
    expect(anonymous.get_by_role("link", name=TITLE)).to_be_visible()
