"""A member drafts a brief with options → the secretariat opens review → two organisations
record positions, one a concern → the chair records its resolution and clears it → submitted to
CROP Executives → endorsed → published → in the Atom feed and in public search. In Chromium."""

import datetime

import feedparser
import pytest
from playwright.sync_api import expect

from conftest import DEMO
from e2e.conftest import snap
from e2e.test_invitation_journey import DEMO_PASSWORD, EDITOR_SECRET, sign_in

pytestmark = pytest.mark.e2e
TITLE = "Policy brief: a second submarine cable for Tuvalu"


def _step(page, summary: str, button: str, fields: dict[str, str] | None = None) -> None:
    section = page.locator("details", has=page.get_by_text(summary, exact=True))
    for label, value in (fields or {}).items():
        section.get_by_label(label).fill(value)
    section.get_by_role("button", name=button).click()
    expect(page.get_by_text("Done.")).to_be_visible()


def test_a_brief_from_draft_to_publication(world, new_context, mailoutbox):
    from django.core.management import call_command

    from papers.models import Paper

    url = world.url
    member = new_context().new_page()
    sign_in(member, url, DEMO["member"], DEMO_PASSWORD)
    member.goto(url + "/papers/in-progress/")
    member.get_by_role("link", name="Draft a paper").click()
    member.get_by_role("combobox", name="Group").select_option(label="CROP ICT Working Group")
    member.get_by_label("Kind").select_option(label="Policy brief")
    member.get_by_label("Dissemination level").select_option("public")
    member.get_by_label("Title (English)").fill(TITLE)
    member.get_by_label("Summary (English)").fill("Funafuti depends on one satellite link.")
    member.get_by_label("Text (English)").fill("## Problem\n\nOne link, no redundancy.")
    member.get_by_label("Option (English)").first.fill("A shared regional cable")
    member.get_by_label("Recommended").first.check()
    member.get_by_label("Option (English)").nth(1).fill("More satellite capacity")
    snap(member, "paper-draft-form")
    member.get_by_role("button", name="Save").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(member.locator(".waiting")).to_contain_text("Waiting for:")
    paper = Paper.objects.get(title_en=TITLE)
    assert paper.lead_organisation.slug == "gov-fji" and paper.options.count() == 2

    secretariat = new_context().new_page()
    sign_in(secretariat, url, DEMO["secretariat"], DEMO_PASSWORD, EDITOR_SECRET)
    secretariat.goto(url + paper.get_absolute_url())
    until = datetime.date.today() + datetime.timedelta(days=14)
    _step(secretariat, "Open member review", "Open member review",
          {"Comments and positions until": until.isoformat()})
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)
    assert any(DEMO["member"] in m.to and TITLE in m.subject for m in mailoutbox)

    # Fiji records a concern; USP (the chair's organisation) supports.
    member.goto(url + paper.get_absolute_url())
    member.get_by_label("Concern").check()
    member.get_by_label("Explanation").fill("Landing costs are not shared fairly.")
    member.get_by_role("button", name="Record the position").click()
    expect(member.get_by_text("Position recorded.")).to_be_visible()
    chair = new_context().new_page()
    sign_in(chair, url, DEMO["chair"], DEMO_PASSWORD, EDITOR_SECRET)
    chair.goto(url + paper.get_absolute_url())
    chair.get_by_label("Support").check()
    chair.get_by_role("button", name="Record the position").click()
    expect(chair.get_by_text("Position recorded.")).to_be_visible()
    positions = chair.locator("#positions table")
    expect(positions).to_contain_text("Concern")
    expect(positions).to_contain_text("Support")

    # Clearing without saying how the concern was resolved is refused, then done properly.
    _clear = chair.locator("details", has=chair.get_by_text("Clear the paper (consensus)"))
    _clear.get_by_role("button", name="Record consensus and clear").click()
    expect(chair.get_by_text("write how they were resolved")).to_be_visible()
    _step(chair, "Clear the paper (consensus)", "Record consensus and clear",
          {"Record of consensus": "Fiji agreed after landing costs were split by traffic."})
    expect(chair.get_by_text("Cleared by the group", exact=True).first).to_be_visible()

    secretariat.goto(url + paper.get_absolute_url())
    section = secretariat.locator("details", has=secretariat.get_by_text("Submit", exact=True))
    section.get_by_label("Submitted to").select_option(label="CROP Executives")
    section.get_by_role("button", name="Record the submission").click()
    expect(secretariat.locator(".waiting")).to_contain_text("CROP Executives")
    section = secretariat.locator("details", has=secretariat.get_by_text("Record the outcome",
                                                                         exact=True))
    section.get_by_label("Outcome").select_option("endorsed")
    section.get_by_role("button", name="Record the outcome").click()
    secretariat.get_by_role("button", name="Publish").click()
    expect(secretariat.locator(".meta")).to_contain_text("Published")
    snap(secretariat, "paper-published")
    paper.refresh_from_db()
    assert paper.status == Paper.Status.PUBLISHED
    assert [t.to_status for t in paper.transitions.all()] == [
        "draft", "review", "cleared", "submitted", "decided", "published"]

    # The public: the publications page, the Atom feed and search.
    public = new_context().new_page()
    public.goto(url + "/papers/")
    expect(public.get_by_role("link", name=TITLE)).to_be_visible()
    feed = feedparser.parse(public.request.get(url + "/papers/feed.atom").body())
    assert not feed.bozo and TITLE in [entry.title for entry in feed.entries]
    public.goto(url + "/search/?q=Funafuti")
    expect(public.get_by_role("link", name=TITLE)).to_be_visible()
