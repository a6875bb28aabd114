"""The API access matrix: every endpoint, called with a real personal token of each standing
(and with none), answers exactly what the access policy allows, on the demo data of the page
crawl (talanoa/tests/test_url_access.py).

Expectations come from `talanoa.access` (`visible()` and `LEVEL_AUDIENCE`), never from the API
code: a list returns exactly the ids `visible()` gives its queryset (every page, through `next`),
a detail answers 200 if and only if the caller may see the item, else 404. An endpoint of the
"api" namespace without a row in EXPECTATIONS fails `test_every_api_endpoint_has_an_expectation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from api.operations import create_token, revoke_token
from decisions.models import Decision, Proposal
from indicators.models import Economy, Indicator
from meetings.models import Invitee, Meeting
from members.models import Organisation, WorkingGroup
from papers.models import Paper
from talanoa.access import LEVEL_AUDIENCE, STANDINGS, Level, build_viewer, visible
from talanoa.tests.access_table import ROUTES, ApiEndpoint, Rule
from talanoa.tests.test_url_access import _item, url_names

pytestmark = pytest.mark.django_db
LIMIT = 10  # small enough that the demo lists take several pages


@dataclass(frozen=True)
class Listing:
    """A list: exactly the ids of `rows()` the caller may see (`protected`: by `visible()`;
    otherwise a public directory, the same for everyone). `sample` names the item of each level
    the list must show or hide by LEVEL_AUDIENCE."""

    rows: Callable[[], QuerySet]
    protected: bool = True
    sample: str | None = None


@dataclass(frozen=True)
class Detail:
    """One item of each dissemination level (test_url_access._item), by `key` in the URL."""

    sample: str
    key: str


@dataclass(frozen=True)
class DirectoryDetail:
    """A public record (groups, organisations): found by everyone, by its slug."""

    record: Callable[[], object]


@dataclass(frozen=True)
class PaperFileDownload:
    """A file of the paper of each level: as the paper, as an attachment, never sniffed."""


@dataclass(frozen=True)
class Rsvp:
    """One's own answer to the meeting of each level: a token is required; 404 unless the
    caller sees the meeting and is invited; 409 when the meeting takes no more answers."""


@dataclass(frozen=True)
class NoEndpoint:
    """django-ninja's root address, which is no endpoint: 404 for everyone."""


# --- apidata ---
@dataclass(frozen=True)
class SameForEveryone:
    """Public statistics: 200 and the very answer an anonymous caller gets."""

    kwargs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class IndicatorImport:
    """The secretariat's: 401 without a token, 403 unless `can_edit_indicators` (the upload
    page's rule), and the step done for those who may."""
# --- end apidata ---


def _live(model) -> Callable[[], QuerySet]:
    return lambda: model.objects.filter(archived_at__isnull=True)


EXPECTATIONS = {
    "api:api-root": NoEndpoint(),
    "api:list_groups": Listing(lambda: WorkingGroup.objects.current(), protected=False),
    "api:get_group": DirectoryDetail(lambda: WorkingGroup.objects.get(slug="ict")),
    "api:list_organisations": Listing(lambda: Organisation.objects.current(), protected=False),
    "api:get_organisation": DirectoryDetail(lambda: Organisation.objects.get(slug="gov-fji")),
    # --- apiitems: meetings, papers, decisions and proposals ---
    # The calendar's meetings: convened and after (a request is its requester's and editors').
    "api:list_meetings": Listing(
        lambda: Meeting.objects.filter(archived_at__isnull=True, status__in=Meeting.SCHEDULED),
        sample="meeting"),
    "api:get_meeting": Detail("meeting", "meeting_id"),
    "api:answer_meeting": Rsvp(),
    "api:list_papers": Listing(_live(Paper), sample="paper"),
    "api:get_paper": Detail("paper", "paper_id"),
    "api:get_paper_file": PaperFileDownload(),
    "api:list_decisions": Listing(_live(Decision), sample="decision"),
    "api:get_decision": Detail("decision", "decision_id"),
    "api:list_proposals": Listing(_live(Proposal), sample="proposal"),
    "api:get_proposal": Detail("proposal", "proposal_id"),
    # --- end apiitems ---
    # --- apidata: indicators are public statistics; importing them is the secretariat's ---
    "api:list_indicators": Listing(lambda: Indicator.objects.all(), protected=False),
    "api:get_indicator": SameForEveryone((("code", "IT.CEL.SETS.P2"),)),
    "api:list_economies": Listing(lambda: Economy.objects.all(), protected=False),
    "api:get_economy": SameForEveryone((("code", "TON"),)),
    "api:list_observations": SameForEveryone(),
    "api:observations_sdmx": SameForEveryone(),
    "api:create_import": IndicatorImport(),
    "api:apply_import": IndicatorImport(),
    "api:rollback_import": IndicatorImport(),
    # --- end apidata ---
}
LEVELS = list(Level.values)


def test_every_api_endpoint_has_an_expectation():
    api_names = {name for name in url_names() if name.startswith("api:")}
    # The documentation pages are crawled as pages (Rule rows); everything else is an endpoint.
    endpoints = {name for name in api_names if not isinstance(ROUTES.get(name), Rule)}
    endpoints |= {name for name, rule in ROUTES.items() if isinstance(rule, ApiEndpoint)}
    missing = sorted(endpoints - set(EXPECTATIONS))
    assert not missing, f"API endpoints without a row in EXPECTATIONS: {missing}"
    assert all(isinstance(ROUTES.get(name), ApiEndpoint) for name in EXPECTATIONS)
    assert set(EXPECTATIONS) <= api_names  # no row for an endpoint that is gone


@pytest.fixture
def call_as(people):
    """A client sending a fresh personal token of the standing (none for anonymous)."""

    def make(standing: str) -> Client:
        if standing == "anonymous":
            return Client()
        __, secret = create_token(people[standing], "Access matrix")
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


def _user(people, standing: str):
    return None if standing == "anonymous" else people[standing]


def _walk(client: Client, url: str) -> list[dict]:
    """Every row of a list, page after page through `next`."""
    rows: list[dict] = []
    cursor = None
    for _page in range(200):
        response = client.get(url, {"limit": LIMIT} | ({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, (url, response.status_code, response.content)
        page = response.json()
        assert len(page["results"]) <= LIMIT
        rows += page["results"]
        cursor = page["next"]
        if cursor is None:
            return rows
    raise AssertionError(f"{url}: the pages never end")


@pytest.fixture
def paper_files(settings, tmp_path):
    """The demo papers' files on disk (the session's media directory is shared)."""
    settings.MEDIA_ROOT = tmp_path
    for level in LEVELS:
        record = _item("paper", level).files.get()
        record.file.save("paper.pdf", ContentFile(b"%PDF-1.4 file of a " + level.encode()))


@pytest.mark.access_matrix
@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_api_access_matrix(call_as, people, paper_files, name, standing):
    expectation = EXPECTATIONS[name]
    client = call_as(standing)
    me = build_viewer(_user(people, standing))
    if isinstance(expectation, NoEndpoint):
        assert client.get(reverse(name)).status_code == 404
        return
    if isinstance(expectation, Listing):
        samples = {level: _item(expectation.sample, level) for level in LEVELS} \
            if expectation.sample else {}  # made before the list is read (sample proposals)
        rows = expectation.rows()
        expected = visible(rows, me) if expectation.protected else rows
        got = [row["id"] for row in _walk(client, reverse(name))]
        assert len(got) == len(set(got)), "a row appears on two pages"
        assert set(got) == set(expected.values_list("pk", flat=True)), (name, standing)
        for level, item in samples.items():  # and the policy's own table agrees
            assert (item.pk in got) == (standing in LEVEL_AUDIENCE[level]), (name, level)
        return
    if isinstance(expectation, DirectoryDetail):
        record = expectation.record()
        response = client.get(reverse(name, kwargs={"slug": record.slug}))
        assert response.status_code == 200 and response.json()["id"] == record.pk
        assert client.get(reverse(name, kwargs={"slug": "no-such-thing"})).status_code == 404
        return
    for level in LEVELS:
        allowed = standing in LEVEL_AUDIENCE[level]
        if isinstance(expectation, Detail):
            item = _item(expectation.sample, level)
            response = client.get(reverse(name, kwargs={expectation.key: item.pk}))
            assert response.status_code == (200 if allowed else 404), (name, level, standing)
            if allowed:
                assert response.json()["id"] == item.pk
                assert response.json()["title_en"] == item.title_en
            else:
                assert item.title_en.encode() not in response.content
        elif isinstance(expectation, PaperFileDownload):
            paper = _item("paper", level)
            response = client.get(reverse(name, kwargs={"paper_id": paper.pk,
                                                        "file_id": paper.files.get().pk}))
            assert response.status_code == (200 if allowed else 404), (level, standing)
            if allowed:
                assert b"".join(response.streaming_content) == (
                    b"%PDF-1.4 file of a " + level.encode())
                assert response["Content-Disposition"].startswith("attachment")
                assert response["X-Content-Type-Options"] == "nosniff"
        elif isinstance(expectation, Rsvp):
            meeting = _item("meeting", level)
            response = client.post(reverse(name, kwargs={"meeting_id": meeting.pk}),
                                   {"response": "accepted"}, content_type="application/json")
            if standing == "anonymous":
                assert response.status_code == 401
                continue
            invited = Invitee.objects.filter(meeting=meeting,
                                             person__user=people[standing]).exists()
            open_for_answers = meeting.status in (Meeting.Status.CONVENED,
                                                  Meeting.Status.POSTPONED)
            expected = 404 if not (allowed and invited) else 200 if open_for_answers else 409
            assert response.status_code == expected, (level, standing, response.content)
        # --- apidata ---
        elif isinstance(expectation, SameForEveryone | IndicatorImport):
            _check_indicators(client, name, expectation, me, standing)
            return
        # --- end apidata ---
        else:
            raise AssertionError(f"{name}: unknown expectation {expectation!r}")


# --- apidata ---
def _check_indicators(client: Client, name: str, expectation, me, standing: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators import operations
    from indicators.tests.import_helpers import bundled
    from talanoa.access import can_edit_indicators

    if isinstance(expectation, SameForEveryone):
        url = reverse(name, kwargs=dict(expectation.kwargs))
        response = client.get(url)
        assert response.status_code == 200, (name, standing)
        assert response.content == Client().get(url).content, (name, standing)
        return
    allowed = can_edit_indicators(me)
    if name == "api:create_import":
        response = client.post(reverse(name), {"file": SimpleUploadedFile(
            "wdi_IT.CEL.SETS.P2_data.csv", bundled())})
        expected = 201
    else:
        batch = operations.preview_import(bundled(), "wdi_IT.CEL.SETS.P2_data.csv")
        if name == "api:rollback_import":
            batch = operations.apply_import(batch)
        response = client.post(reverse(name, kwargs={"batch_id": batch.pk}))
        expected = 200
    status = 401 if standing == "anonymous" else expected if allowed else 403
    assert response.status_code == status, (name, standing, response.content)
# --- end apidata ---


# --- Tokens: a bad one is never a quiet fall back to anonymous -----------------------------

def _paper_url(level: str) -> str:
    return reverse("api:get_paper", kwargs={"paper_id": _item("paper", level).pk})


def test_a_revoked_token_is_refused_at_once(people):
    token, secret = create_token(people["member"], "Script")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get(_paper_url("members")).status_code == 200
    assert revoke_token(token)
    for url in (_paper_url("members"), _paper_url("public"), reverse("api:list_papers")):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "unauthenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [
    "Bearer tal_not-a-real-token", "Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz",
    "tal_no-scheme", "Bearer " + "tal_" + "x" * 200])
def test_a_malformed_or_unknown_token_is_401_not_anonymous(header):
    client = Client(headers={"Authorization": header})
    for url in (reverse("api:list_papers"), _paper_url("public")):
        response = client.get(url)
        assert response.status_code == 401, (header, url)
        assert response.json()["code"] == "unauthenticated"


def test_the_token_of_a_closed_account_is_refused(people):
    __, secret = create_token(people["member"], "Script")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get(_paper_url("core")).status_code == 200
    people["member"].is_active = False
    people["member"].save(update_fields=["is_active"])
    assert client.get(_paper_url("core")).status_code == 401
    assert client.get(_paper_url("public")).status_code == 401


def test_a_signed_in_browser_session_is_not_a_token(client_for):
    """The API reads tokens only: a session cookie gives the anonymous view (no CSRF-able
    member access through the API)."""
    client = client_for("member")
    assert client.get(_paper_url("members")).status_code == 404
    assert client.get(_paper_url("public")).status_code == 200
