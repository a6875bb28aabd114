"""The secretariat imports a revision of the World Bank's data (its bulk CSV: preamble, BOM, years
as columns) → reads the validation report → applies it → the public profile shows the new values
at once → the import is rolled back → the public sees the published values again. In Chromium;
the public reader has JavaScript off."""

import pytest
from playwright.sync_api import expect

from conftest import DEMO
from e2e.test_invitation_journey import DEMO_PASSWORD, EDITOR_SECRET, sign_in

pytestmark = pytest.mark.e2e

# Tonga's mobile subscriptions: 2022 revised (61.7257858761257 → 70.5), 2023 new.
REVISION = (
    '\ufeff"Data Source","World Development Indicators",\n\n'
    '"Last Updated Date","2026-11-20",\n\n'
    '"Country Name","Country Code","Indicator Name","Indicator Code","2022","2023",\n'
    '"Tonga","TON","Mobile cellular subscriptions (per 100 people)","IT.CEL.SETS.P2",'
    '"70.5","66.6049",\n'
).encode()


def tonga_mobile(page, year: int):
    table = page.get_by_role("table", name="Mobile cellular subscriptions, 2001–2025")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=str(year),
                                                                  exact=True))
    return row.get_by_role("cell").first  # Tonga's column, after the year


def test_an_import_is_previewed_applied_shown_and_rolled_back(world, new_context, tmp_path):
    from indicators.models import Observation

    url = world.url
    public = new_context(java_script_enabled=False).new_page()
    public.goto(url + "/indicators/TON/")
    expect(tonga_mobile(public, 2022)).to_have_text("61.7")
    expect(tonga_mobile(public, 2023)).to_have_text("–")

    secretariat = new_context().new_page()
    sign_in(secretariat, url, DEMO["secretariat"], DEMO_PASSWORD, EDITOR_SECRET)
    secretariat.goto(url + "/indicators/")
    secretariat.get_by_role("link", name="Import data").click()
    revision = tmp_path / "API_IT.CEL.SETS.P2_DS2_en_csv_v2_2026.csv"
    revision.write_bytes(REVISION)
    secretariat.get_by_label("File (CSV or XLSX)").set_input_files(revision)
    secretariat.get_by_role("button", name="Preview").click()

    report = secretariat.get_by_role("table").first
    for name in ("New values 1", "Changed values 1", "Unchanged values 0",
                 "Unknown economies 0", "Non-numeric cells (skipped) 0"):
        expect(report.get_by_role("row", name=name, exact=True)).to_be_visible()
    expect(secretariat.get_by_text("2026-11-20")).to_be_visible()  # the vintage, from the preamble
    public.reload()
    expect(tonga_mobile(public, 2022)).to_have_text("61.7")  # a preview changes nothing

    secretariat.get_by_role("button", name="Apply").click()
    public.reload()
    expect(tonga_mobile(public, 2022)).to_have_text("70.5")
    expect(tonga_mobile(public, 2023)).to_have_text("66.6")
    assert str(Observation.objects.get(indicator__code="IT.CEL.SETS.P2", economy__code="TON",
                                       year=2023).value) == "66.6049"

    secretariat.get_by_role("button", name="Roll back").click()
    public.reload()
    expect(tonga_mobile(public, 2022)).to_have_text("61.7")
    expect(tonga_mobile(public, 2023)).to_have_text("–")
