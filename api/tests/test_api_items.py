"""What the item endpoints answer: filters, the fields of one item, and links to other items
only as far as the caller may see them."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from api.operations import create_token
from decisions.models import Decision, Proposal
from meetings.models import AgendaItem, Meeting
from papers.models import Paper, PaperFile, Tag
from talanoa.access import ANONYMOUS, build_viewer, visible

pytestmark = pytest.mark.django_db


def _ids(client: Client, url: str, **params) -> set[int]:
    response = client.get(url, {"limit": 100, **params})
    assert response.status_code == 200, response.content
    assert response.json()["next"] is None
    return {row["id"] for row in response.json()["results"]}


def _member(people) -> Client:
    __, secret = create_token(people["member"], "Filters")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _demo(model, level: str):
    return model.objects.get(title_en__startswith=f"[{level}]")


def test_meetings_filter_by_group_status_and_start(people):
    client = _member(people)
    me = build_viewer(people["member"])
    seen = visible(Meeting.objects.filter(status__in=Meeting.SCHEDULED,
                                          archived_at__isnull=True), me)
    members = _demo(Meeting, "members")
    day = members.starts_at.astimezone(datetime.UTC).date()  # the filter's days are UTC's
    midnight = datetime.datetime.combine(day, datetime.time(), datetime.UTC)
    assert _ids(client, "/api/meetings", **{"from": day.isoformat(), "to": day.isoformat()}) \
        == set(seen.filter(starts_at__gte=midnight, starts_at__lt=midnight
                           + datetime.timedelta(days=1)).values_list("pk", flat=True)) \
        >= {members.pk}
    assert members.pk not in _ids(client, "/api/meetings",
                                  **{"from": (day + datetime.timedelta(days=1)).isoformat()})
    assert members.pk not in _ids(client, "/api/meetings",
                                  to=(day - datetime.timedelta(days=1)).isoformat())
    assert _ids(client, "/api/meetings", group="ict") == set(
        seen.filter(group__slug="ict").values_list("pk", flat=True))
    assert _ids(client, "/api/meetings", group="no-such-group") == set()
    members.status = Meeting.Status.POSTPONED
    members.save()
    assert _ids(client, "/api/meetings", status="postponed") == {members.pk}
    assert client.get("/api/meetings", {"status": "requested"}).status_code == 422
    everything = _ids(client, "/api/meetings")
    assert _ids(client, "/api/meetings", **{"from": "0001-01-01", "to": "9999-12-31"}) == everything
    for not_a_day in ("not-a-day", "0", "2026-02-30", "20260101"):
        assert client.get("/api/meetings", {"from": not_a_day}).status_code == 422, not_a_day


def test_a_meeting_in_its_own_time_zone_with_its_agenda(people):
    meeting = _demo(Meeting, "public")
    AgendaItem.objects.create(meeting=meeting, order=1, title_en="Welcome", title_fr="Accueil")
    body = Client().get(f"/api/meetings/{meeting.pk}").json()
    starts = datetime.datetime.fromisoformat(body["starts_at"])
    assert starts == meeting.starts_at
    assert starts.utcoffset() == meeting.local_start.utcoffset()  # the meeting's own offset
    assert body["time_zone"] == meeting.time_zone
    assert body["ical_url"].endswith(f"/meetings/{meeting.pk}/meeting.ics")
    assert Client().get(body["ical_url"]).status_code == 200
    assert ("Welcome", "Accueil") in [(a["title_en"], a["title_fr"]) for a in body["agenda"]]
    for private in ("online_url", "restricted_people", "created_by", "invitees"):
        assert private not in body


def test_papers_filter_by_kind_status_and_tag(people):
    client = _member(people)
    seen = visible(Paper.objects.filter(archived_at__isnull=True),
                   build_viewer(people["member"]))
    public = _demo(Paper, "public")
    tag = Tag.objects.create(kind=Tag.Kind.AREA, code="api-test", name_en="API test")
    public.tags.add(tag)
    assert _ids(client, "/api/papers", tag=tag.code) == {public.pk}
    assert _ids(client, "/api/papers", status="draft") == set(
        seen.filter(status="draft").values_list("pk", flat=True))
    assert _ids(client, "/api/papers", kind=public.kind.slug, group="ict") == set(
        seen.filter(kind=public.kind, group__slug="ict").values_list("pk", flat=True))
    assert _ids(client, "/api/papers", kind="no-such-kind") == set()


def test_a_paper_lists_its_current_files_with_working_links(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    paper = _demo(Paper, "public")
    old = paper.files.get()
    old.file.save("paper.pdf", ContentFile(b"%PDF-1.4 first"))
    new = PaperFile.objects.create(paper=paper, title=old.title, original_name="paper-v2.pdf",
                                   file_type="pdf", size=15, sha256="0" * 64, first=old,
                                   number=2, file=ContentFile(b"%PDF-1.4 second", "v2.pdf"))
    old.replaced_at = new.created_at
    old.save()
    body = Client().get(f"/api/papers/{paper.pk}").json()
    assert [(f["id"], f["version"], f["file_type"]) for f in body["files"]] == [
        (new.pk, 2, "pdf")]
    download = Client().get(body["files"][0]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 second"
    assert 'filename="paper-v2.pdf"' in download["Content-Disposition"]
    # An earlier version stays readable, as on the page; an archived file is gone.
    assert Client().get(f"/api/papers/{paper.pk}/files/{old.pk}").status_code == 200
    new.archived_at = new.created_at
    new.save()
    assert Client().get(f"/api/papers/{paper.pk}/files/{new.pk}").status_code == 404
    # A file id of another paper is not found through this one.
    other = _demo(Paper, "members").files.get()
    assert Client().get(f"/api/papers/{paper.pk}/files/{other.pk}").status_code == 404


def test_a_decision_links_only_what_the_caller_may_see(people):
    decision = _demo(Decision, "public")
    members_paper = _demo(Paper, "members")
    decision.advice_paper = members_paper
    decision.save()
    decision.papers.set([members_paper, _demo(Paper, "public")])
    anonymous = Client().get(f"/api/decisions/{decision.pk}").json()
    assert anonymous["advice_paper"] is None
    assert anonymous["papers"] == [_demo(Paper, "public").pk]
    member = _member(people).get(f"/api/decisions/{decision.pk}").json()
    assert member["advice_paper"] == members_paper.pk
    assert set(member["papers"]) == {members_paper.pk, _demo(Paper, "public").pk}
    assert member["sitting"]["body"] == "forum-leaders"


def test_decisions_and_proposals_filter(people):
    client = _member(people)
    me = build_viewer(people["member"])
    assert _ids(client, "/api/decisions", status="not_started") == set(
        visible(Decision.objects.filter(archived_at__isnull=True, status="not_started"), me)
        .values_list("pk", flat=True))
    public = Proposal.objects.get(title_en__startswith="[public]")
    assert _ids(Client(), "/api/proposals", cycle=public.cycle_id) == set(
        visible(Proposal.objects.filter(cycle=public.cycle, archived_at__isnull=True),
                ANONYMOUS).values_list("pk", flat=True)) >= {public.pk}
    assert _ids(Client(), "/api/proposals", status="draft") == set()


def test_a_cursor_that_is_not_one_is_refused(people):
    response = Client().get("/api/papers", {"cursor": "not-a-cursor"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
