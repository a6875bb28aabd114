"""An ICT organisation asks to take part from the public form → confirms its email from the
link → the secretariat approves it as a consultative participant (R3) → the applicant is told
by email and the organisation is in the directory. In Chromium."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DEMO
from e2e.test_invitation_journey import DEMO_PASSWORD, EDITOR_SECRET, sign_in

pytestmark = pytest.mark.e2e
LINK = re.compile(r"https?://\S+/take-part/confirm/\S+/")
EMAIL = "sina@kiribati-net.example.ki"


def test_an_organisation_asks_to_take_part_and_is_approved(world, new_context, mailoutbox,
                                                          run_worker):
    from directory.models import JoinRequest

    url = world.url
    applicant = new_context().new_page()
    applicant.goto(url + "/directory/")
    applicant.get_by_role("link", name="Take part").click()
    applicant.get_by_label("Name of the organisation").fill("Kiribati Community Networks")
    applicant.get_by_label("Acronym").fill("KCN")
    applicant.get_by_label("Kind of organisation").select_option("civil_society")
    applicant.get_by_label("Country").select_option(label="Kiribati")
    applicant.get_by_label("Your name").fill("Sina Teiwaki")
    applicant.get_by_label("Your email").fill(EMAIL)
    applicant.get_by_label("Connectivity").check()
    applicant.get_by_label("What you would contribute").fill("Community Wi-Fi on outer islands.")
    applicant.get_by_label("Consultative participant").check()
    applicant.get_by_role("button", name="Send the request").click()
    expect(applicant.get_by_role("heading", name="Check your email")).to_be_visible()
    run_worker()
    assert [m.to for m in mailoutbox] == [[EMAIL]]
    link = LINK.search(mailoutbox[0].body).group(0)

    applicant.goto(link)
    applicant.get_by_role("button", name="Confirm and send").click()
    expect(applicant.get_by_role("heading", name="Thank you")).to_be_visible()
    run_worker()
    assert [DEMO["secretariat"]] in [m.to for m in mailoutbox]

    secretariat = new_context().new_page()
    sign_in(secretariat, url, DEMO["secretariat"], DEMO_PASSWORD, EDITOR_SECRET)
    secretariat.goto(url + "/directory/")
    secretariat.get_by_role("link", name="Requests to take part").click()
    secretariat.get_by_role("link", name="Kiribati Community Networks").click()
    secretariat.get_by_role("button", name="Approve as consultative participant").click()
    expect(secretariat.get_by_text("Approved: the applicant is told by email")).to_be_visible()
    run_worker()
    assert JoinRequest.objects.get(email=EMAIL).status == "approved"
    assert any(m.to == [EMAIL] and "consultative participant" in m.body for m in mailoutbox)

    applicant.goto(url + "/directory/?area=connectivity")
    expect(applicant.get_by_role("link", name="Kiribati Community Networks")).to_be_visible()
