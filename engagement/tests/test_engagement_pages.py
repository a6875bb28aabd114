"""The engagement tracker's pages (S7, S14) for every standing: bodies and processes are public
records; a position or forum participation appears only to who may see its level."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import EngagementProcess, ExternalBody, ForumParticipation, GroupPosition
from meetings.models import Meeting
from papers.models import Paper
from talanoa.access import LEVEL_AUDIENCE, STANDINGS

pytestmark = pytest.mark.django_db
LEVELS = ("public", "members", "core", "restricted")


def _markers(standing: str) -> tuple[list[str], list[str]]:
    """The level markers a standing may see, and those it may not."""
    seen = [f"[{level}]" for level in LEVELS if standing in LEVEL_AUDIENCE[level]]
    return seen, [f"[{level}]" for level in LEVELS if standing not in LEVEL_AUDIENCE[level]]


def _process(body: str, title: str = "Consultation", **fields) -> EngagementProcess:
    return EngagementProcess.objects.create(body=ExternalBody.objects.get(slug=body),
                                            title_en=title, **fields)


def test_the_starter_bodies_are_there_once_and_linked_to_their_organisations():
    from engagement.operations import ensure_external_bodies

    assert ensure_external_bodies() == 0  # already loaded: adds nothing
    slugs = set(ExternalBody.objects.values_list("slug", flat=True))
    assert {"itu", "apt", "icann", "ietf", "w3c", "igf", "apnic", "pita"} <= slugs
    assert ExternalBody.objects.get(slug="itu").organisation.slug == "itu"
    assert ExternalBody.objects.get(slug="pita").organisation.slug == "pita"
    assert ExternalBody.objects.get(slug="ietf").organisation is None


def test_a_shipped_body_the_secretariat_changed_is_not_overwritten():
    from engagement.operations import ensure_external_bodies

    ExternalBody.objects.filter(slug="w3c").update(name_en="W3C (edited)")
    ensure_external_bodies()
    assert ExternalBody.objects.get(slug="w3c").name_en == "W3C (edited)"


@pytest.mark.parametrize("standing", STANDINGS)
def test_the_index_shows_positions_and_forums_up_to_the_readers_level(client_for, standing):
    response = client_for(standing).get(reverse("engagement:engagement"))
    assert response.status_code == 200
    page = response.text
    seen, hidden = _markers(standing)
    for marker in hidden:
        assert marker not in page, (standing, marker)
    # Every level the reader may see has a recent position (the demo has one at each level).
    for marker in seen:
        assert marker in page, (standing, marker)
    assert "ICANN public comment" in page and "ITU" in page


def test_open_processes_come_nearest_deadline_first_and_closed_ones_are_not_open(client):
    today = timezone.localdate()
    later = _process("w3c", "Later review", deadline=today + datetime.timedelta(days=300))
    sooner = _process("ietf", "Sooner review", deadline=today + datetime.timedelta(days=1))
    undated = _process("apt", "Standing study group")
    closed = _process("itu", "Closed consultation", deadline=today - datetime.timedelta(days=1))
    shut = _process("itu", "Closed early", deadline=today + datetime.timedelta(days=9),
                    status_set="closed")
    kept = _process("itu", "Kept open", deadline=today - datetime.timedelta(days=9),
                    status_set="open")
    processes = client.get(reverse("engagement:engagement")).context["processes"]
    order = [p.pk for p in processes]
    assert closed.pk not in order and shut.pk not in order
    assert kept.pk in order and order.index(kept.pk) < order.index(sooner.pk)
    assert order.index(sooner.pk) < order.index(later.pk) < order.index(undated.pk)
    assert (closed.status, shut.status, kept.status, sooner.status) == (
        "closed", "closed", "open", "open")


def test_today_is_the_last_day_of_a_process():
    today = timezone.localdate()
    process = _process("itu", deadline=today)
    assert process.status == "open"
    assert EngagementProcess.objects.filter(EngagementProcess.open_q(today),
                                            pk=process.pk).exists()
    assert not EngagementProcess.objects.filter(
        EngagementProcess.open_q(today + datetime.timedelta(days=1)), pk=process.pk).exists()


@pytest.mark.parametrize("standing", STANDINGS)
def test_a_process_page_shows_the_positions_the_reader_may_see(client_for, standing):
    for level in LEVELS:
        position = GroupPosition.objects.get(title_en__startswith=f"[{level}]")
        response = client_for(standing).get(position.process.get_absolute_url())
        assert response.status_code == 200
        shown = f"[{level}]" in response.text
        assert shown == (standing in LEVEL_AUDIENCE[level]), (standing, level)
    _seen, hidden = _markers(standing)
    for marker in hidden:
        page = client_for(standing).get(reverse("engagement:engagement_body",
                                                args=["icann"])).text
        assert marker not in page


def test_a_positions_paper_is_linked_only_for_readers_of_the_paper(client_for):
    position = GroupPosition.objects.get(title_en__startswith="[public]")
    core_paper = Paper.objects.get(title_en__startswith="[core]")
    position.paper = core_paper
    position.save()
    url = position.process.get_absolute_url()
    assert core_paper.get_absolute_url() in client_for("member").get(url).text
    page = client_for("observer").get(url).text
    assert "[public] Pacific comments" in page and core_paper.get_absolute_url() not in page


@pytest.mark.parametrize("standing", STANDINGS)
def test_forum_pages_for_every_standing_and_level(client_for, standing):
    client = client_for(standing)
    listing = client.get(reverse("engagement:forums"))
    assert listing.status_code == 200
    _seen, hidden = _markers(standing)
    for marker in hidden:
        assert marker not in listing.text
    for level in LEVELS:
        participation = ForumParticipation.objects.get(position_en__startswith=f"[{level}]")
        allowed = standing in LEVEL_AUDIENCE[level]
        assert (participation.meeting.title_en in listing.text) == allowed, (standing, level)
        page = client.get(participation.get_absolute_url())
        assert page.status_code == (200 if allowed else 404)
        if allowed:
            assert "The Pacific position" in page.text
            for marker in hidden:
                assert marker not in page.text


def test_the_forum_list_puts_upcoming_before_past_and_the_report_back_is_shown(client_for):
    response = client_for("secretariat").get(reverse("engagement:forums"))
    upcoming = [p.meeting.title_en for p in response.context["upcoming"]]
    past = [p.meeting.title_en for p in response.context["past"]]
    assert upcoming == ["Internet Governance Forum (demo) [public]",
                        "ITU Asia-Pacific Regional Preparatory Meeting (demo) [core]"]
    assert past == ["Asia Pacific Regional IGF (demo) [members]",
                    "PITA Annual General Meeting (demo) [restricted]"]
    reported = ForumParticipation.objects.get(position_en__startswith="[members]")
    page = client_for("observer").get(reported.get_absolute_url()).text
    assert reported.report_paper.get_absolute_url() in page
    assert "Ana Raikadroka" in page  # a delegate, named to the group's members


def test_delegates_are_not_named_to_the_public(client):
    participation = ForumParticipation.objects.get(position_en__startswith="[public]")
    page = client.get(participation.get_absolute_url()).text
    assert "Ana Raikadroka" not in page and "Internet Governance Forum" in page


def test_a_forum_is_on_the_calendar_as_an_external_forum_and_links_to_its_participation(
        client_for):
    participation = ForumParticipation.objects.get(position_en__startswith="[public]")
    meeting = participation.meeting
    assert meeting.kind == Meeting.Kind.FORUM and meeting.status == Meeting.Status.CONVENED
    anonymous = client_for("anonymous")
    upcoming = anonymous.get(reverse("meetings:upcoming") + "?kind=forum")
    assert meeting in upcoming.context["meetings"]
    assert "External forum" in upcoming.text and meeting.title_en in upcoming.text
    month = anonymous.get(reverse("meetings:calendar") + f"?month={meeting.local_start:%Y-%m}")
    assert meeting.title_en in month.text
    page = anonymous.get(meeting.get_absolute_url()).text
    assert participation.get_absolute_url() in page
    # A members-level forum is neither on the public calendar nor linked for the public.
    members = ForumParticipation.objects.get(position_en__startswith="[members]")
    assert anonymous.get(members.meeting.get_absolute_url()).status_code == 404
    assert members.get_absolute_url() in client_for("observer").get(
        members.meeting.get_absolute_url()).text


def test_the_meeting_page_does_not_link_an_archived_participation(client_for):
    from engagement import operations

    participation = ForumParticipation.objects.get(position_en__startswith="[public]")
    operations.archive_forum_participation(participation)
    url = participation.meeting.get_absolute_url()
    assert participation.get_absolute_url() not in client_for("member").get(url).text
    assert client_for("member").get(participation.get_absolute_url()).status_code == 404
    assert client_for("secretariat").get(participation.get_absolute_url()).status_code == 200


def test_an_ordinary_meeting_page_asks_nothing_of_the_engagement_tracker(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = Meeting.objects.get(title_en__startswith="[public]")
    client.get(meeting.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(meeting.get_absolute_url())
    assert not any("forumparticipation" in q["sql"] for q in queries)


def test_an_archived_body_or_process_is_for_editors_only(client_for):
    from engagement import operations

    body = ExternalBody.objects.get(slug="w3c")
    process = body.processes.first()
    operations.archive_external_body(body)
    operations.archive_process(process)
    for url in (body.get_absolute_url(), process.get_absolute_url()):
        assert client_for("member").get(url).status_code == 404
        assert client_for("chair").get(url).status_code == 200
    index = client_for("anonymous").get(reverse("engagement:engagement")).text
    assert body.get_absolute_url() not in index
    # Editors find them again, to restore them.
    assert body.get_absolute_url() in client_for("chair").get(reverse("engagement:engagement")).text
    assert process.get_absolute_url() in client_for("chair").get(body.get_absolute_url()).text


def test_the_demo_is_idempotent(group):
    from engagement import demo
    from members.models import Person

    counts = (ExternalBody.objects.count(), EngagementProcess.objects.count(),
              GroupPosition.objects.count(), ForumParticipation.objects.count(),
              Meeting.objects.count())
    people = {p.email: p for p in Person.objects.filter(email__endswith="@demo.talanoa.test")}
    demo.engagement(group, people)
    assert (ExternalBody.objects.count(), EngagementProcess.objects.count(),
            GroupPosition.objects.count(), ForumParticipation.objects.count(),
            Meeting.objects.count()) == counts
