"""The secretariat adds a Forum Leaders' sitting → registers a decision with an ICT paragraph,
the group's assessment with two options (one recommended) and the advice paper → adds a
follow-up action for the member → the public sees the decision on the decisions page, and the
member finds the action on their home, with the way back to the decision. In Chromium."""

import datetime

import feedparser
import pytest
from playwright.sync_api import expect

from conftest import DEMO
from e2e.conftest import snap
from e2e.test_invitation_journey import DEMO_PASSWORD, EDITOR_SECRET, sign_in

pytestmark = pytest.mark.e2e
SITTING = "55th Pacific Islands Forum Leaders Meeting"
TITLE = "Leaders call for a regional approach to submarine cable resilience"
ACTION = "Prepare Fiji's contribution to the cable resilience plan"


def test_a_leaders_decision_from_the_communique_to_the_owners_home(world, new_context):
    from decisions.models import Decision, Sitting
    from papers.models import Paper

    url = world.url
    paper = Paper.objects.get(title_en__startswith="[public]")  # the demo advice paper
    secretariat = new_context().new_page()
    sign_in(secretariat, url, DEMO["secretariat"], DEMO_PASSWORD, EDITOR_SECRET)

    # The sitting, from the decisions page.
    secretariat.get_by_role("link", name="Decisions", exact=True).click()
    secretariat.get_by_role("link", name="Sittings").click()
    secretariat.get_by_role("link", name="Add a sitting").click()
    secretariat.get_by_label("Body").select_option(label="Pacific Islands Forum Leaders")
    secretariat.get_by_label("Title (English)").fill(SITTING)
    secretariat.get_by_label("Date").fill("2026-09-08")
    secretariat.get_by_label("Place").fill("Honiara")
    secretariat.get_by_label("Outcome document (link)").fill("https://forumsec.org/communique")
    secretariat.get_by_role("button", name="Save").click()
    expect(secretariat.get_by_role("heading", level=1)).to_have_text(SITTING)

    # The decision, its ICT paragraph, the assessment with two options and the advice paper.
    secretariat.get_by_role("link", name="Register a decision").click()
    expect(secretariat.get_by_label("Sitting")).to_have_value(
        str(Sitting.objects.get(title_en=SITTING).pk))
    secretariat.get_by_label("Group").select_option(label="CROP ICT Working Group")
    secretariat.get_by_label("Dissemination level").select_option("public")
    secretariat.get_by_label("Reference").fill("paragraph 37")
    secretariat.get_by_label("Title (English)").fill(TITLE)
    secretariat.get_by_label("Text (English)").fill(
        "Leaders called on CROP agencies to plan for the resilience of submarine cables.")
    expect(secretariat.get_by_role("checkbox", name="Concerns ICT")).to_be_checked()
    secretariat.get_by_label("Why it concerns ICT (or not)").fill(
        "Paragraph 37 is about the region's international connectivity.")
    secretariat.get_by_label("Analysis (English)").fill(
        "## Analysis\n\nThree countries depend on a single cable.")
    secretariat.get_by_label("Advice to CROP Executives (English)").fill(
        "CROP Executives should commission a joint resilience plan.")
    secretariat.get_by_label("Advice paper").fill(url + paper.get_absolute_url())
    secretariat.get_by_label("Option (English)").first.fill("A joint CROP resilience plan")
    secretariat.get_by_label("Recommended").first.check()
    secretariat.get_by_label("Option (English)").nth(1).fill("Agencies act on their own")
    snap(secretariat, "decision-form")
    secretariat.get_by_role("button", name="Save").click()
    expect(secretariat.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(secretariat.get_by_text("Decision registered.")).to_be_visible()
    assessment = secretariat.locator("#assessment")
    expect(assessment.locator("li.recommended")).to_contain_text("A joint CROP resilience plan")
    expect(assessment.get_by_role("link", name=paper.title_en)).to_be_visible()
    decision = Decision.objects.get(title_en=TITLE)
    assert decision.advice_paper == paper and decision.options.count() == 2
    assert decision.sitting.body.slug == "forum-leaders" and decision.concerns_ict

    # A follow-up action for the member.
    secretariat.get_by_role("link", name="Add a follow-up action").click()
    secretariat.get_by_label("Task:", exact=True).fill(ACTION)
    secretariat.get_by_label("Owner:", exact=True).select_option(
        label="Ana Raikadroka (demo member)")
    due = datetime.date.today() + datetime.timedelta(days=30)
    secretariat.get_by_label("Due").fill(due.isoformat())
    secretariat.get_by_role("button", name="Save").click()
    expect(secretariat.locator("#actions")).to_contain_text(ACTION)
    snap(secretariat, "decision-page")

    # The public decisions page and feed, without an account.
    public = new_context().new_page()
    public.goto(url + "/decisions/")
    public.get_by_role("link", name=TITLE).click()
    expect(public.locator("#text")).to_contain_text("resilience of submarine cables")
    expect(public.locator("#assessment")).to_contain_text("A joint CROP resilience plan")
    feed = feedparser.parse(public.request.get(url + "/decisions/feed.atom").body())
    assert not feed.bozo and any(TITLE in entry.title for entry in feed.entries)

    # The owner's home.
    member = new_context().new_page()
    sign_in(member, url, DEMO["member"], DEMO_PASSWORD)
    actions = member.locator("#my-actions + ul")
    expect(actions).to_contain_text(ACTION)
    actions.get_by_role("link", name=TITLE).click()
    expect(member.get_by_role("heading", level=1)).to_have_text(TITLE)
