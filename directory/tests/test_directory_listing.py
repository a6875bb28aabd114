"""The directory: every organisation reachable, a small first view however many there are."""

import re

import pytest

from directory import views
from members.models import Membership, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_sections(monkeypatch):
    monkeypatch.setattr(views, "DIRECTORY_SECTION_SIZE", 5)


def _join(group, names: list[str], kind=Membership.Kind.OBSERVER) -> None:
    for i, name in enumerate(names):
        org = Organisation.objects.create(slug=f"dir-{i}-{name.lower()}", name_en=name,
                                          kind=Organisation.Kind.PRIVATE)
        Membership.objects.create(group=group, organisation=org, kind=kind)


def _names(response) -> list[str]:
    return [row["name"] for section in response.context["sections"] for row in section.rows]


def test_every_member_is_listed_by_kind_with_counts(client, group):
    response = client.get("/directory/")
    sections = {s.kind: s for s in response.context["sections"]}
    active = Membership.objects.active().filter(group=group)
    assert sections["member"].count == active.filter(kind="member").count() > 20
    assert len(sections["member"].rows) == sections["member"].count
    assert not sections["member"].is_partial
    assert b"?kind=" not in response.content


def test_a_long_section_shows_its_first_rows_and_links_to_the_rest(client, group, small_sections):
    _join(group, [f"Observer {c}" for c in "KJIHGFEDCBA"])
    response = client.get("/directory/")
    observers = next(s for s in response.context["sections"] if s.kind == "observer")
    total = Membership.objects.active().filter(group=group, kind="observer").count()
    assert observers.count == total >= 11
    assert len(observers.rows) == 5 and observers.is_partial
    names = [str(row["name"]) for row in observers.rows]
    assert names == sorted(names)
    assert f"All {total} organisations".encode() in response.content
    assert b'href="?kind=observer"' in response.content


def test_one_kinds_pages_visit_each_organisation_once_in_order(client, group, small_sections):
    # Equal names on purpose: the cursor must break the tie by id, not skip or repeat.
    _join(group, ["Twin", "Twin", "Twin", "Zeta", "Alpha", "Twin", "Mu", "Beta", "Twin"])
    expected = list(Membership.objects.active().filter(group=group, kind="observer")
                    .order_by("organisation__name_en", "pk")
                    .values_list("organisation__name_en", flat=True))
    seen: list[str] = []
    path = "/directory/?kind=observer"
    for _ in range(10):
        response = client.get(path)
        assert [s.kind for s in response.context["sections"]] == ["observer"]
        seen += _names(response)
        match = re.search(rb'href="(\?kind=observer&amp;after=\d+)" rel="next"', response.content)
        if not match:
            break
        path = "/directory/" + match.group(1).decode().replace("&amp;", "&")
    assert [str(name) for name in seen] == expected
    assert len(seen) == len(expected) > 9


def test_a_bad_cursor_or_kind_falls_back_instead_of_failing(client, group, small_sections):
    _join(group, [f"Org {i:02}" for i in range(8)])
    first = _names(client.get("/directory/?kind=observer"))
    assert _names(client.get("/directory/?kind=observer&after=nonsense")) == first
    assert _names(client.get("/directory/?kind=observer&after=99999999")) == []
    everything = client.get("/directory/?kind=<script>")
    assert everything.status_code == 200 and len(everything.context["sections"]) > 1
    assert b"<script>" not in everything.content
