"""The directory's organisation pages: ICT areas, focal points and the engagement log, each
shown to whom it may be shown, at a constant number of queries.

The constant queries are checked on data grown once for the module (`grown`), after every
standing's pages were measured on the demo data. Their test comes last: the growth stays until
the module's end, and the other tests read the demo's own entries.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

from bench.synthetic import TEST_GROWTH, grow
from directory.models import EngagementLogEntry, FocalPoint, OrganisationProfile
from members.models import Organisation, Person
from papers.models import Tag
from talanoa.tests.module_data import module_transaction, signed_in_clients
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db
GROWN_STANDINGS = ["anonymous", "outsider", "member", "secretariat"]
ORGANISATION, DIRECTORY = "/directory/pita/", "/directory/?area=connectivity"
LOG = {level: f"[{level}]".encode() for level in ("public", "members", "core", "restricted")}


@pytest.mark.parametrize(("standing", "sees"), [
    ("anonymous", set()),
    ("outsider", {"public"}),
    ("consultative", {"public", "members"}),
    ("observer", {"public", "members"}),
    ("member", {"public", "members", "core"}),
    ("secretariat", {"public", "members", "core", "restricted"}),
])
def test_the_engagement_log_shows_each_entry_to_its_level(client_for, standing, sees):
    page = client_for(standing).get("/directory/pita/").content
    for level, marker in LOG.items():
        assert (marker in page) == (level in sees), (standing, level)
    # Areas are public; focal points are for the group's members.
    assert b"Submarine cables" in page
    assert (b"Rahul Prasad" in page) == (standing not in ("anonymous", "outsider"))


def test_a_restricted_entry_is_seen_by_the_organisation_it_names(client_for, group, people):
    fiji = Organisation.objects.get(slug="gov-fji")
    own = EngagementLogEntry.objects.create(group=group, organisation=fiji, level="restricted",
                                            summary="Letter on Fiji's cable outage report")
    own.restricted_organisations.set([fiji])
    entry = EngagementLogEntry.objects.create(group=group, organisation=fiji,
                                              level="restricted", summary="Note on PNG only")
    entry.restricted_organisations.set([Organisation.objects.get(slug="gov-png")])
    page = client_for("member").get("/directory/gov-fji/").content
    assert b"Letter on Fiji" in page and b"Note on PNG only" not in page
    assert b"Letter on Fiji" not in client_for("observer").get("/directory/gov-fji/").content


def test_the_directory_filters_by_ict_area(client):
    page = client.get("/directory/?area=submarine-cables").content
    assert b"Pacific Islands Telecommunications Association" in page
    assert b"/directory/gov-fji/" not in page
    assert b"/directory/gov-fji/" in client.get("/directory/").content
    # An unknown area is no filter.
    assert b"/directory/gov-fji/" in client.get("/directory/?area=nonsense").content


def test_editors_set_the_areas_and_focal_points(client_for):
    secretariat = client_for("secretariat")
    assert client_for("member").get("/directory/gov-png/areas/").status_code == 403
    spectrum = Tag.objects.get(kind="area", code="spectrum")
    response = secretariat.post("/directory/gov-png/areas/", {"areas": [spectrum.pk]})
    assert response.status_code == 302
    profile = OrganisationProfile.objects.get(organisation__slug="gov-png")
    assert list(profile.areas.all()) == [spectrum] and profile.version == 1
    # A stale edit is a conflict, not an overwrite.
    response = secretariat.post("/directory/gov-png/areas/", {"areas": [], "expected_version": 7})
    assert response.status_code == 409
    assert list(profile.areas.all()) == [spectrum]

    grace = Person.objects.get(email="grace.kaetavara@example.org")
    response = secretariat.post("/directory/gov-png/focal-points/new/", {
        "person": grace.pk, "area": spectrum.pk, "role": "Spectrum plan", "since": "2026-01-05"})
    assert response.status_code == 302
    focal_point = FocalPoint.objects.get(organisation__slug="gov-png", person=grace)
    # Someone of another organisation is refused.
    outsider = Person.objects.get(email="rahul.prasad@example.org")
    response = secretariat.post("/directory/gov-png/focal-points/new/", {
        "person": outsider.pk, "since": "2026-01-05"})
    assert response.status_code == 400
    assert b"Spectrum plan" in client_for("member").get("/directory/gov-png/").content
    assert secretariat.post(f"/focal-points/{focal_point.pk}/archive/").status_code == 302
    focal_point.refresh_from_db()
    assert focal_point.archived_at is not None
    assert b"Spectrum plan" not in client_for("member").get("/directory/gov-png/").content


def test_editors_log_an_engagement_members_level_by_default(client_for, people):
    assert client_for("member").get("/directory/gov-png/log/new/").status_code == 403
    assert client_for("outsider").get("/directory/gov-png/log/new/").status_code == 404
    secretariat = client_for("secretariat")
    form = secretariat.get("/directory/gov-png/log/new/").context["form"]
    assert form["level"].value() == "members"
    response = secretariat.post("/directory/gov-png/log/new/", {
        "date": "2026-03-02", "kind": "call", "summary": "Call on the national broadband plan",
        "level": "members"})
    assert response.status_code == 302
    entry = EngagementLogEntry.objects.get(summary="Call on the national broadband plan")
    assert entry.organisation.slug == "gov-png" and entry.created_by == people["secretariat"]
    assert b"national broadband plan" in client_for("observer").get("/directory/gov-png/").content
    for standing in ("anonymous", "outsider"):
        page = client_for(standing).get("/directory/gov-png/").content
        assert b"national broadband plan" not in page
    response = secretariat.post("/directory/gov-png/log/new/", {
        "date": "2026-03-03", "kind": "letter", "summary": "Letter for PNG alone",
        "level": "restricted"})
    entry = EngagementLogEntry.objects.get(summary="Letter for PNG alone")
    assert list(entry.restricted_organisations.values_list("slug", flat=True)) == ["gov-png"]


def _thicken(group, n: int) -> None:
    pita = Organisation.objects.get(slug="pita")
    profile, _ = OrganisationProfile.objects.get_or_create(organisation=pita)
    profile.areas.set(Tag.objects.filter(kind="area"))
    people = [Person.objects.create(name=f"Focal {i}", organisation=pita) for i in range(n)]
    areas = list(Tag.objects.filter(kind="area"))
    FocalPoint.objects.bulk_create([FocalPoint(organisation=pita, person=p, area=areas[i % 5])
                                    for i, p in enumerate(people)])
    for i in range(n):
        for level in ("public", "members", "core", "restricted"):
            entry = EngagementLogEntry.objects.create(
                group=group, organisation=pita, level=level, summary=f"Entry {i}", by=people[0],
                date=datetime.date(2025, 1, 1) + datetime.timedelta(days=i))
            if level == "restricted":
                entry.restricted_organisations.set([pita])


# --- On grown data: last in the module (see its docstring) ----------------------------------


@dataclass
class Grown:
    clients: dict[str, Client]
    before: dict[tuple[str, str], int]  # (standing, address): queries on the demo data


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker) -> Iterator[Grown]:
    """Every standing's pages measured, then PITA's record and the data grown once for the
    module (in a transaction rolled back at its end): growing costs seconds, once per standing
    it added up."""
    from conftest import DEMO
    from members.models import User, WorkingGroup

    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            people = {s: User.objects.get(email=e) for s, e in DEMO.items()}
            clients = signed_in_clients(GROWN_STANDINGS, people)
            before = {(s, url): count_queries(clients[s], url)
                      for s in GROWN_STANDINGS for url in (ORGANISATION, DIRECTORY)}
            _thicken(WorkingGroup.objects.get(slug="ict"), 30)
            grow(TEST_GROWTH, representing=[people["member"].person])
        yield Grown(clients, before)


@pytest.mark.parametrize("standing", GROWN_STANDINGS)
def test_the_organisation_page_costs_the_same_as_data_grows(grown, standing):
    client = grown.clients[standing]
    assert count_queries(client, ORGANISATION) == grown.before[standing, ORGANISATION]
    assert count_queries(client, DIRECTORY) == grown.before[standing, DIRECTORY]
    page = client.get(ORGANISATION).content
    if standing in ("member", "secretariat"):
        # The newest 20 entries (the demo's own are newer), bounded whatever the log's length.
        assert b"The 20 most recent entries." in page
        assert b"Entry 29<" in page and b"Entry 0<" not in page
