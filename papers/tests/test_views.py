"""The paper pages as people use them: drafting, conflicts, positions, steps, feed, downloads."""

import datetime

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Organisation
from papers.models import Paper, PaperKind, Position

pytestmark = pytest.mark.django_db


def _draft_post(**changes):
    data = {
        "group": "", "kind": PaperKind.objects.get(slug="policy-brief").pk, "level": "members",
        "title_en": "Submarine cable repair ships", "title_fr": "", "summary_en": "Few ships.",
        "summary_fr": "", "body_en": "## Problem\n\nOne ship for the region.", "body_fr": "",
        "lead_organisation": Organisation.objects.get(slug="gov-fji").pk,
        "options-TOTAL_FORMS": "2", "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0", "options-MAX_NUM_FORMS": "12",
        "options-0-order": "1", "options-0-title_en": "A regional repair vessel",
        "options-0-recommended": "on", "options-1-order": "2",
        "options-1-title_en": "Bilateral contracts",
    }
    data.update(changes)
    return data


def test_a_member_drafts_a_brief_with_options(client_for, group):
    client = client_for("member")
    response = client.post(reverse("papers:paper_new"), _draft_post(group=group.pk))
    paper = Paper.objects.get(title_en="Submarine cable repair ships")
    assert response.status_code == 302 and response["Location"] == paper.get_absolute_url()
    assert paper.status == Paper.Status.DRAFT and paper.lead_organisation.slug == "gov-fji"
    assert [(o.title_en, o.recommended) for o in paper.options.all()] == [
        ("A regional repair vessel", True), ("Bilateral contracts", False)]
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "Waiting for:" in page and "recommended" in page


def test_a_member_cannot_draft_for_another_organisation(client_for, group):
    data = _draft_post(group=group.pk,
                       lead_organisation=Organisation.objects.get(slug="spc").pk)
    response = client_for("member").post(reverse("papers:paper_new"), data)
    assert response.status_code == 400
    assert not Paper.objects.filter(title_en="Submarine cable repair ships").exists()


def test_two_recommended_options_are_refused(client_for, group):
    data = _draft_post(group=group.pk, **{"options-1-recommended": "on"})
    response = client_for("member").post(reverse("papers:paper_new"), data)
    assert response.status_code == 400 and "Recommend one option at most" in response.text
    assert not Paper.objects.exists() or not Paper.objects.filter(
        title_en="Submarine cable repair ships").exists()


def test_outsiders_and_observers_cannot_draft(client_for):
    assert client_for("outsider").get(reverse("papers:paper_new")).status_code == 404


def _edit_data(paper, **changes):
    data = _draft_post(group=paper.group_id, title_en=paper.title_en,
                       lead_organisation=paper.lead_organisation_id, level=paper.level,
                       body_en=paper.body_en, expected_version=paper.version,
                       **{"options-TOTAL_FORMS": "0"})
    data.update(changes)
    return data


def test_the_second_of_two_concurrent_edits_gets_a_conflict_page_and_nothing_is_lost(
        client_for, make_paper):
    paper = make_paper("members", lead="gov-fji")
    first, second = client_for("member"), client_for("secretariat")
    mine = _edit_data(paper, body_en="Fiji's wording of the problem.")
    theirs = _edit_data(paper, body_en="The secretariat's wording of the problem.")
    assert first.post(reverse("papers:paper_edit", args=[paper.pk]), mine).status_code == 302
    response = second.post(reverse("papers:paper_edit", args=[paper.pk]), theirs)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Fiji&#x27;s wording of the problem." in page  # what was saved meanwhile
    assert "The secretariat&#x27;s wording of the problem." in page  # what they typed
    paper.refresh_from_db()
    assert paper.body_en == "Fiji's wording of the problem."
    # Saving again, after seeing the other version, is a deliberate choice and goes through.
    again = _edit_data(paper, body_en="Merged wording.")
    assert second.post(reverse("papers:paper_edit", args=[paper.pk]), again).status_code == 302
    paper.refresh_from_db()
    assert paper.body_en == "Merged wording."
    assert {h.body_en for h in paper.history.all()} >= {"Fiji's wording of the problem.",
                                                        "Merged wording."}


def test_others_may_read_but_not_edit(client_for, make_paper):
    paper = make_paper("members", lead="spc")
    client = client_for("member")  # Fiji: not an author of SPC's paper
    assert client.get(paper.get_absolute_url()).status_code == 200
    assert client.get(reverse("papers:paper_edit", args=[paper.pk])).status_code == 403


def _open_review(client, paper):
    return client.post(reverse("papers:step", args=[paper.pk]), {
        "action": "review", "expected_version": paper.version,
        "until": (timezone.localdate() + datetime.timedelta(days=10)).isoformat()})


def test_positions_only_from_member_organisations(client_for, make_paper):
    paper = make_paper("members")
    assert _open_review(client_for("secretariat"), paper).status_code == 302
    url = reverse("papers:position", args=[paper.pk])
    fiji = Organisation.objects.get(slug="gov-fji").pk
    member = client_for("member")
    assert member.post(url, {"organisation": fiji, "stance": "support"}).status_code == 302
    assert paper.positions.get().stance == Position.Stance.SUPPORT
    jica = Organisation.objects.get(slug="jica").pk
    assert client_for("observer").post(url, {"organisation": jica,
                                              "stance": "object"}).status_code == 403
    # Nobody records a position for an organisation they do not represent.
    member.post(url, {"organisation": jica, "stance": "object", "note": "x"})
    assert paper.positions.count() == 1


def test_steps_are_the_chair_and_secretariats(client_for, make_paper):
    paper = make_paper("members", lead="gov-fji")
    assert _open_review(client_for("member"), paper).status_code == 403
    assert Paper.objects.get(pk=paper.pk).status == Paper.Status.DRAFT
    assert _open_review(client_for("outsider"), paper).status_code == 404


def test_a_stale_step_is_refused(client_for, make_paper):
    paper = make_paper("members")
    paper.version -= 1
    _open_review(client_for("secretariat"), paper)
    assert Paper.objects.get(pk=paper.pk).status == Paper.Status.DRAFT


def test_publications_list_and_filters(client, make_paper):
    from members.models import Country
    from papers.models import Tag

    def published(title, **fields):
        paper = make_paper("public", title=title)
        Paper.objects.filter(pk=paper.pk).update(status=Paper.Status.PUBLISHED,
                                                 published_at=timezone.now(), **fields)
        return paper

    tuvalu = published("Tuvalu's digital ID")
    tuvalu.countries.add(Country.objects.get(iso3="TUV"))
    tuvalu.tags.add(Tag.objects.get(kind="sdg", code="9.c"))
    published("Regional spectrum plan")
    make_paper("public", title="Unpublished draft")
    page = client.get(reverse("papers:publications")).content.decode()
    assert "Tuvalu&#x27;s digital ID" in page and "Regional spectrum plan" in page
    assert "Unpublished draft" not in page
    page = client.get(reverse("papers:publications"), {"country": "TUV"}).content.decode()
    assert "Tuvalu&#x27;s digital ID" in page and "Regional spectrum plan" not in page
    page = client.get(reverse("papers:publications"), {"sdg": "9.c"}).content.decode()
    assert "Regional spectrum plan" not in page and "Tuvalu" in page
    # Nonsense filters show everything rather than an error.
    response = client.get(reverse("papers:publications"), {"year": "abc", "kind": "<x>"})
    assert response.status_code == 200


def test_the_atom_feed_is_valid_and_public_only(client, make_paper):
    for level in ("public", "members"):
        paper = make_paper(level, title=f"Feed paper {level}")
        Paper.objects.filter(pk=paper.pk).update(status=Paper.Status.PUBLISHED,
                                                 published_at=timezone.now())
    response = client.get(reverse("papers:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [entry.title for entry in feed.entries]
    assert "Feed paper public" in titles and "Feed paper members" not in titles


def test_the_pdf_of_a_paper(client_for, make_paper):
    paper = make_paper("members")
    response = client_for("member").get(reverse("papers:paper_pdf", args=[paper.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client_for("outsider").get(reverse("papers:paper_pdf", args=[paper.pk])).status_code \
        == 404


def test_the_secretariat_extends_the_vocabularies(client_for):
    from members.models import Body
    from papers.models import Tag

    client = client_for("secretariat")
    assert client.get(reverse("papers:vocabulary")).status_code == 200
    response = client.post(reverse("papers:vocabulary"), {
        "vocabulary": "tag", "tag-kind": "sdg", "tag-code": "8.10", "tag-order": "9",
        "tag-name_en": "Access to banking for all"})
    assert response.status_code == 302
    assert Tag.objects.filter(kind="sdg", code="8.10").exists()
    # A duplicate is refused with a message, and nothing changes.
    response = client.post(reverse("papers:vocabulary"), {
        "vocabulary": "tag", "tag-kind": "sdg", "tag-code": "8.10", "tag-order": "9",
        "tag-name_en": "Again"})
    assert response.status_code == 400 and Tag.objects.filter(code="8.10").count() == 1
    client.post(reverse("papers:vocabulary"), {
        "vocabulary": "body", "body-slug": "spc-cris", "body-name_en": "SPC CRGA",
        "body-order": "20"})
    assert Body.objects.filter(slug="spc-cris").exists()
    assert client_for("member").get(reverse("papers:vocabulary")).status_code == 404


def test_my_page_lists_papers_awaiting_my_organisations_position(client_for, make_paper):
    paper = make_paper("members", title="Digital ID paper awaiting Fiji")
    _open_review(client_for("secretariat"), paper)
    member = client_for("member")
    assert "Digital ID paper awaiting Fiji" in member.get(reverse("portal:member_home")).text
    assert "Digital ID paper awaiting Fiji" not in client_for("observer").get(
        reverse("portal:member_home")).text  # observers give no position
    member.post(reverse("papers:position", args=[paper.pk]),
                {"organisation": Organisation.objects.get(slug="gov-fji").pk,
                 "stance": "no_objection"})
    assert "Digital ID paper awaiting Fiji" not in member.get(reverse("portal:member_home")).text


def test_an_agenda_item_links_to_a_paper_by_its_address(client_for, make_paper, group):
    from meetings.models import AgendaItem, Meeting
    from talanoa.lib.linking import item_for_address

    paper = make_paper("core", title="Core paper on spectrum for the agenda")
    assert item_for_address(f"https://talanoa.example{paper.get_absolute_url()}") == paper
    meeting = Meeting.objects.get(title_en__startswith="[public]")
    AgendaItem.objects.create(meeting=meeting, order=9, title_en="Spectrum paper",
                              item=paper)
    # Linked for those who may see the paper, a plain agenda line for the others.
    assert paper.get_absolute_url() in client_for("member").get(
        meeting.get_absolute_url()).text
    anonymous = client_for("anonymous").get(meeting.get_absolute_url()).text
    assert "Spectrum paper" in anonymous and paper.get_absolute_url() not in anonymous
