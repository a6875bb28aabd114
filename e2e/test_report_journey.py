"""The secretariat rates an objective of the demo 2026 annual report → compiles it → the page
shows the progress and reloads itself (no script) while the worker compiles → the document and
its files appear → the French PDF downloads → a member reads the report with JavaScript off, a
stranger cannot find it. In Chromium."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import DEMO
from e2e.conftest import snap
from e2e.test_invitation_journey import DEMO_PASSWORD, EDITOR_SECRET, sign_in

pytestmark = pytest.mark.e2e


def test_an_annual_report_is_assessed_compiled_and_read(world, new_context):
    from reports.demo import ANNUAL_TITLE
    from reports.models import Report

    url = world.url
    report = Report.objects.get(title_en=ANNUAL_TITLE[0])
    secretariat = new_context().new_page()
    sign_in(secretariat, url, DEMO["secretariat"], DEMO_PASSWORD, EDITOR_SECRET)
    secretariat.goto(url + "/reports/")
    secretariat.get_by_role("link", name=ANNUAL_TITLE[0]).click()
    secretariat.get_by_role("link", name="S12", exact=True).click()
    secretariat.get_by_label("Rating").select_option(label="Partly achieved")
    secretariat.get_by_label("Outputs and outcomes (English)").fill(
        "Partners met twice to align their programmes.")
    secretariat.get_by_role("button", name="Save").click()
    expect(secretariat.get_by_text("Saved. Compile the report again")).to_be_visible()

    secretariat.get_by_role("button", name="Compile from the record").click()
    expect(secretariat.get_by_text("Waiting for the background worker.")).to_be_visible()
    snap(secretariat, "report-progress")
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)
    # The page reloads itself every 3 seconds until the files are there.
    expect(secretariat.get_by_role("heading", name="Download")).to_be_visible(timeout=15_000)
    expect(secretariat.get_by_role("navigation", name="Table of contents")).to_be_visible()
    secretariat.get_by_role("link", name="Overview").click()
    overview = secretariat.get_by_role(
        "table", name="Objectives: planned items, recorded activity and rating")
    expect(overview.get_by_role("row").filter(has_text="S12 —")).to_contain_text(
        "Partly achieved")
    with secretariat.expect_download() as download:
        secretariat.get_by_role("link", name="French · PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    snap(secretariat, "report-compiled")

    member = new_context(java_script_enabled=False).new_page()
    sign_in(member, url, DEMO["member"], DEMO_PASSWORD)
    member.goto(url + report.get_absolute_url())
    expect(member.get_by_role("heading", name=ANNUAL_TITLE[0])).to_be_visible()
    expect(member.get_by_role("button", name="Compile from the record")).to_have_count(0)
    member.get_by_role("link", name="G1 —", exact=False).first.click()
    expect(member.get_by_role("heading", level=2, name="G1 —", exact=False)).to_be_visible()

    # A stranger's request (not a page: a 404 page would count as a browser problem).
    stranger = new_context(java_script_enabled=False)
    assert stranger.request.get(url + report.get_absolute_url()).status == 404
