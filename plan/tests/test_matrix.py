"""Who does what: the seeded gap and overlap, in the page and the CSV; what a reader may not
see stays out."""

import csv
import io

import pytest
from django.urls import reverse

from members.models import Organisation
from papers.models import Tag
from plan.demo import DEMO_GAP_AREA
from talanoa.lib.tables import csv_safe

pytestmark = pytest.mark.django_db


def _csv(client, query: str = "") -> list[list[str]]:
    response = client.get(reverse("plan:matrix_csv") + query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("standing", ["anonymous", "member", "secretariat"])
def test_the_matrix_flags_the_seeded_gap_and_overlap(client_for, standing):
    client = client_for(standing)
    gap = Tag.objects.get(kind="area", code=DEMO_GAP_AREA)
    cyber = Tag.objects.get(kind="area", code="cybersecurity")
    matrix = client.get(reverse("plan:matrix")).context["matrix"]
    assert gap in matrix.gaps and cyber not in matrix.gaps
    fiji = [o for o in matrix.overlaps if o.country.iso3 == "FJI" and o.area == cyber]
    assert len(fiji) == 1
    assert {o.slug for o in fiji[0].organisations} == {"gov-fji", "australia"}
    page = client.get(reverse("plan:matrix")).text
    gaps_section = page.split('id="gaps"')[1].split('id="overlaps"')[0]
    assert str(gap.name) in gaps_section
    overlaps_section = page.split('id="overlaps"')[1]
    assert "Cybersecurity — Fiji: DFAT, FJI" in overlaps_section

    rows = _csv(client)
    header = rows[0]
    gap_row = next(r for r in rows if r[0] == "Gap: no lead")
    assert gap_row[header.index(str(gap.name))] == "GAP"
    assert gap_row[header.index("Cybersecurity")] == ""
    overlap_row = next(r for r in rows if r[0] == "Overlap: several leads")
    assert "FJI: DFAT, FJI" in overlap_row[header.index("Cybersecurity")]
    fiji_row = next(r for r in rows if r[0] == "FJI")
    assert fiji_row[header.index("Cybersecurity")].startswith("L")
    assert "Cybersecurity (FJI)" in fiji_row[-1]


def test_the_cells_count_leads_partners_and_tasks(client_for):
    matrix = client_for("anonymous").get(reverse("plan:matrix")).context["matrix"]
    cells = {(row.organisation.slug, area.code): cell for row in matrix.rows
             for area, cell in row.cells}
    # Fiji leads the demo outcome, activity and milestone on cybersecurity (public), and owns a
    # task about the milestone.
    assert cells["gov-fji", "cybersecurity"].lead == 3
    assert cells["gov-fji", "cybersecurity"].tasks == 1
    assert cells["spc", "cybersecurity"].partner >= 1
    assert cells["gov-fji", "cybersecurity"].text() == "L3 T1"
    # the members-level task (about PITA's tender) is not counted for the public
    assert cells["pita", "connectivity"].tasks == 0
    member = client_for("member").get(reverse("plan:matrix")).context["matrix"]
    cells = {(row.organisation.slug, area.code): cell for row in member.rows
             for area, cell in row.cells}
    assert cells["pita", "connectivity"].tasks == 1


@pytest.mark.parametrize(("standing", "sees"), [("anonymous", False), ("outsider", False),
                                                ("member", False), ("chair", True),
                                                ("secretariat", True)])
def test_a_restricted_items_lead_appears_only_to_who_may_see_it(client_for, standing, sees):
    client = client_for(standing)
    ffa = Organisation.objects.get(slug="ffa")
    matrix = client.get(reverse("plan:matrix")).context["matrix"]
    assert (ffa in [row.organisation for row in matrix.rows]) is sees
    emergency = Tag.objects.get(kind="area", code="emergency-telecoms")
    assert (emergency in matrix.gaps) is not sees
    assert (b"FFA" in client.get(reverse("plan:matrix")).content) is sees
    assert any(r[0] == "FFA" for r in _csv(client)) is sees
    assert (b"FFA" in client.get(reverse("plan:matrix_csv")).content) is sees


def test_a_country_filter_counts_only_the_items_naming_it(client_for):
    client = client_for("anonymous")
    matrix = client.get(reverse("plan:matrix") + "?country=fji").context["matrix"]
    assert matrix.country.iso3 == "FJI"
    assert {row.organisation.slug for row in matrix.rows} <= {"gov-fji", "australia", "spc",
                                                             "new-zealand"}
    # submarine cables are led regionally, never in Fiji alone: a gap there
    assert Tag.objects.get(kind="area", code="submarine-cables") in matrix.gaps
    assert [o.country.iso3 for o in matrix.overlaps] == ["FJI"]
    tonga = client.get(reverse("plan:matrix") + "?country=TON").context["matrix"]
    assert tonga.overlaps == []
    rows = _csv(client, "?country=FJI")
    assert {r[0] for r in rows[1:-2]} <= {"FJI", "DFAT", "SPC", "MFAT"}


def test_a_cell_links_to_the_items_it_counts(client_for):
    client = client_for("anonymous")
    page = client.get(reverse("plan:matrix")).text
    link = reverse("plan:plan") + "?area=cybersecurity&amp;organisation=gov-fji"
    assert link in page
    rows = client.get(link.replace("&amp;", "&")).context["rows"]
    assert {n.item.title_en for n in rows} == {
        "[public] Secure and resilient networks in Fiji (demo)",
        "[public] Cable landing station security review (demo)",
        "[public] Landing station audit report (demo)"}


@pytest.mark.parametrize(("value", "safe"), [("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
                                             ("+1", "'+1"), ("-1", "'-1"), ("@SUM", "'@SUM"),
                                             ("SPC", "SPC"), ("L1 P2", "L1 P2"), ("", "")])
def test_csv_cells_cannot_be_formulas(value, safe):
    assert csv_safe(value) == safe


def test_an_organisation_name_that_looks_like_a_formula_is_neutralised(client_for, make_item):
    org = Organisation.objects.create(slug="formula", acronym="=1+1", name_en="Formula",
                                      kind="private")
    item = make_item("Formula initiative", lead="formula")
    item.areas.add(Tag.objects.get(kind="area", code="spectrum"))
    rows = _csv(client_for("anonymous"))
    assert any(r[0] == "'=1+1" for r in rows)
    assert not any(r[0] == org.acronym for r in rows)


def test_the_page_shows_organisations_a_page_at_a_time_and_the_csv_all(client_for, make_item):
    from plan.views import MATRIX_ROWS

    area = Tag.objects.get(kind="area", code="cybersecurity")
    for n in range(MATRIX_ROWS + 5):
        Organisation.objects.create(slug=f"paged-{n}", acronym=f"ZZ{n:02d}", name_en=f"Paged {n}",
                                    kind="private")
        make_item(f"Led by ZZ{n:02d}", lead=f"paged-{n}").areas.add(area)
    client = client_for("anonymous")
    first = client.get(reverse("plan:matrix"))
    total = first.context["matrix"].total_rows
    assert len(first.context["matrix"].rows) == MATRIX_ROWS and first.context["more"]
    assert b"page=2" in first.content
    last_page = (total + MATRIX_ROWS - 1) // MATRIX_ROWS
    last = client.get(reverse("plan:matrix"), {"page": last_page})
    assert not last.context["more"] and b"page=%d" % (last_page - 1) in last.content
    shown = {row.organisation.pk for page in range(1, last_page + 1) for row in client.get(
        reverse("plan:matrix"), {"page": page}).context["matrix"].rows}
    assert len(shown) == total
    rows = _csv(client)
    assert sum(1 for row in rows if row and row[0].startswith("ZZ")) == MATRIX_ROWS + 5
