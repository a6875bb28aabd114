"""An advisory request from intake to close (S8, S9): the secretariat invites a ministry's
contact → the contact files a request through the emailed link → the secretariat triages it,
assigns it to PITA and its adviser, responds with a document and a linked paper, and closes it
→ the contact reads the response through their own link → the figures page counts the request
in its quarter, with its response and close times. In Chromium."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from conftest import DEMO
from e2e.conftest import snap
from e2e.test_invitation_journey import DEMO_PASSWORD, EDITOR_SECRET, sign_in

pytestmark = pytest.mark.e2e
CONTACT = "sela.fonua@meidecc.example.to"
TITLE = "Advice on a national roaming agreement"
LINK = re.compile(r"https?://\S+/advisory/(?:ministry|read)/\S+/")


def _worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)


def _quarter_row(page, label: str) -> list[str]:
    row = page.locator("#figures tbody tr").filter(has=page.get_by_role("rowheader", name=label))
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_an_advisory_request_from_intake_to_close(world, new_context, mailoutbox):
    from advisory.models import AdvisoryRequest
    from advisory.operations import quarterly_figures
    from members.models import Organisation, Person
    from papers.models import Paper

    url = world.url
    pita = Organisation.objects.get(slug="pita")
    adviser = Person.objects.get(email="rahul.prasad@example.org")
    paper = Paper.objects.get(title_en__startswith="[public]")
    now = timezone.localtime()
    quarter = f"{now.year} Q{(now.month - 1) // 3 + 1}"

    secretariat = new_context().new_page()
    sign_in(secretariat, url, DEMO["secretariat"], DEMO_PASSWORD, EDITOR_SECRET)
    secretariat.goto(url + "/advisory/figures/")
    before = _quarter_row(secretariat, quarter) or ["0", "0", "0"]

    # The secretariat invites the ministry's contact.
    secretariat.goto(url + "/advisory/")
    secretariat.get_by_role("link", name="Invite a ministry").click()
    secretariat.get_by_label("Email").fill(CONTACT)
    secretariat.get_by_label("Name").fill("Sela Fonua")
    secretariat.get_by_label("Ministry").fill("Ministry of MEIDECC")
    secretariat.get_by_label("Country").select_option(label="Tonga")
    secretariat.get_by_role("button", name="Send the invitation").click()
    expect(secretariat.get_by_text(f"Invitation sent to {CONTACT}.")).to_be_visible()
    _worker()
    invitation = next(m for m in mailoutbox if m.to == [CONTACT])
    link = LINK.search(invitation.body).group(0)
    assert link.startswith(url + "/advisory/ministry/")

    # The ministry files its request through the link: no account.
    ministry = new_context().new_page()
    ministry.goto(link)
    expect(ministry.locator(".facts")).to_contain_text(CONTACT)
    expect(ministry.get_by_label("Ministry")).to_have_value("Ministry of MEIDECC")
    ministry.get_by_label("Topic (English)").fill(TITLE)
    ministry.get_by_label("Details").fill("Our operators ask whether to join the regional "
                                          "roaming agreement before June.")
    ministry.get_by_label("Urgency").select_option("soon")
    snap(ministry, "advisory-ministry-form")
    ministry.get_by_role("button", name="Send the request").click()
    expect(ministry.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(ministry.get_by_text("Your request is received.")).to_be_visible()
    advisory = AdvisoryRequest.objects.get(title_en=TITLE)
    assert advisory.requester_email == CONTACT and advisory.level == "restricted"
    _worker()
    assert any(m.to == [CONTACT] and "received" in m.subject for m in mailoutbox)
    assert {m.to[0] for m in mailoutbox if TITLE in m.subject} == {
        CONTACT, DEMO["chair"], DEMO["secretariat"]}

    # The secretariat triages it, assigns it, responds and closes it.
    secretariat.goto(url + "/advisory/")
    secretariat.get_by_role("link", name=TITLE).click()
    steps = secretariat.locator("#steps")
    steps.locator("summary", has_text="Triage").click()
    secretariat.locator("#id_triage-urgency").select_option("urgent")
    secretariat.get_by_role("button", name="Triage").click()
    expect(secretariat.locator("#facts")).to_contain_text("Triaged")
    steps.locator("summary", has_text="Assign").click()
    secretariat.get_by_label("Organisation that answers").select_option(str(pita.pk))
    secretariat.get_by_label("Person").select_option(str(adviser.pk))
    secretariat.get_by_role("button", name="Assign").click()
    expect(secretariat.locator("#facts")).to_contain_text(f"{pita.short} — {adviser.name}")
    secretariat.locator("#responses summary", has_text="Respond").click()
    secretariat.get_by_label("Response").fill("Join the agreement: **costs fall by half**.")
    secretariat.get_by_label("Document").set_input_files(
        {"name": "roaming-advice.txt", "mimeType": "text/plain",
         "buffer": b"Roaming advice for Tonga."})
    secretariat.get_by_label("Linked papers").fill(url + paper.get_absolute_url())
    secretariat.get_by_role("button", name="Send the response").click()
    expect(secretariat.locator("#responses")).to_contain_text("costs fall by half")
    expect(secretariat.locator("#facts")).to_contain_text(paper.title_en)
    steps.locator("summary", has_text="Close").click()
    secretariat.get_by_role("button", name="Close the request").click()
    expect(secretariat.locator("#facts")).to_contain_text("Closed")
    expect(secretariat.locator("#steps li")).to_have_count(5)
    snap(secretariat, "advisory-request")
    advisory.refresh_from_db()
    assert advisory.status == "closed" and advisory.first_response_at and advisory.closed_at
    assert set(advisory.restricted_people.all()) == {adviser}

    # The contact is told, and reads the response through their own link.
    _worker()
    closed = next(m for m in mailoutbox if m.to == [CONTACT] and "closed" in m.subject)
    reader = new_context().new_page()
    reader.goto(LINK.search(closed.body).group(0))
    expect(reader.locator("#responses")).to_contain_text("costs fall by half")
    download = reader.request.get(url + reader.locator("#responses a").first.get_attribute(
        "href"))
    assert download.ok and download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.body() == b"Roaming advice for Tonga."

    # The figures: the quarter counts it, with its times.
    secretariat.goto(url + "/advisory/figures/")
    after = _quarter_row(secretariat, quarter)
    assert [int(n) for n in after[:3]] == [int(n) + 1 for n in before[:3]]
    rows = AdvisoryRequest.objects.filter(group=advisory.group, archived_at__isnull=True
                                          ).values_list("received_at", "first_response_at",
                                                        "closed_at")
    expected = next(q for q in quarterly_figures(list(rows)) if q.label == quarter)
    assert after[4:] == [str(v) if v is not None else "—" for v in (
        expected.response_median, expected.response_mean, expected.close_median,
        expected.close_mean)]
    snap(secretariat, "advisory-figures")
