"""Every list page as CSV and XLSX (`?format=csv|xlsx`, talanoa.lib.exports).

For each list: both formats parse and carry the expected header and the same rows; a download
answers whoever the page answers, and no more (a login page, a 404 or the rows they may see);
no title above the reader's level is ever in a download, and the titles at their levels are;
a filtered download holds exactly the rows of the unfiltered one that the filter selects. The
query count of a download does not grow with the data.

The checks on grown data share one growth for the module (`grown`), measured first on the demo
data. They come last: the growth stays until the module's end, and the other tests read the
demo's own items.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from bench.synthetic import TEST_GROWTH, grow
from talanoa.access import LEVEL_AUDIENCE, STANDINGS
from talanoa.lib.exports import EXPORT_LIMIT, export_query
from talanoa.tests.module_data import module_transaction, signed_in_clients
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db

_PAPER = ["id", "Title (English)", "Title (French)", "Kind", "Status", "Level", "Group",
          "Lead organisation", "Published", "Updated", "URL"]
_MEETING = ["id", "Title (English)", "Title (French)", "Kind", "Status", "Starts (UTC)",
            "Ends (UTC)", "Time zone", "Mode", "Venue", "City", "Country", "Level", "Group", "URL"]
_TASK = ["id", "Task", "Status", "Due", "Overdue", "Owner organisation", "Owner", "Group",
         "About", "About (title)", "About (URL)", "Created", "URL"]

# list page -> (who may read it, the download's header)
LISTS: dict[str, tuple[str, list[str]]] = {
    "/posts/": ("anonymous", ["id", "Title (English)", "Title (French)", "Kind", "Published",
                              "Level", "Group", "URL"]),
    "/papers/": ("anonymous", _PAPER),
    "/papers/in-progress/": ("member", _PAPER),
    "/decisions/": ("anonymous", ["id", "Reference", "Title (English)", "Title (French)",
                                  "Body", "Sitting", "Date", "Concerns ICT", "Implementation",
                                  "Next review", "Level", "Group", "URL"]),
    "/decisions/sittings/": ("anonymous", ["id", "Title (English)", "Title (French)", "Body",
                                           "Date", "Last day", "Place",
                                           "Outcome document (link)", "URL"]),
    "/proposals/": ("anonymous", ["id", "Name (English)", "Name (French)", "Group",
                                  "Submissions open", "Submissions close", "Scoring until",
                                  "Archived", "URL"]),
    "/proposals/cycles/{cycle}/": ("anonymous", [
        "id", "Title (English)", "Title (French)", "Lead organisation", "Stage", "Submitted",
        "Level", "URL"]),
    "/proposals/cycles/{cycle}/ranking/": ("member", None),  # criteria are columns: see below
    "/calendar/?month={month}": ("anonymous", _MEETING),
    "/calendar/upcoming/": ("anonymous", _MEETING),
    "/calendar/{year}/": ("anonymous", _MEETING),
    "/tasks/": ("member", _TASK),
    "/tasks/mine/": ("member", _TASK),
    "/tasks/organisation/": ("member", _TASK),
    "/work/": ("anonymous", ["id", "Kind", "Title (English)", "Title (French)", "Health",
                             "Lead organisation", "Starts", "Due", "Done", "Level", "Group",
                             "URL"]),
    "/advisory/?status=all": ("member", [
        "id", "Topic (English)", "Topic (French)", "Status", "Urgency", "Country", "From",
        "Assigned to", "Wanted by", "Received", "First response", "Closed", "Level", "URL"]),
    "/engagement/": ("anonymous", ["id", "Title (English)", "Title (French)", "Kind", "Body",
                                   "Opens", "Deadline", "Status", "Link", "URL"]),
    "/forums/": ("anonymous", ["id", "Title (English)", "Title (French)", "Body",
                               "Starts (UTC)", "Ends (UTC)", "City", "Country", "Level",
                               "Group", "URL"]),
    "/directory/": ("anonymous", ["Name (English)", "Name (French)", "Acronym",
                                  "Kind of organisation", "Standing", "Since", "Country",
                                  "Website", "URL"]),
    "/groups/ict/representatives/": ("member", ["Organisation", "Person", "Role", "Year",
                                                "Status", "Ended on", "URL"]),
    "/join-requests/": ("secretariat", ["id", "Organisation", "Acronym", "Country",
                                        "Standing requested", "Contact", "Submitted", "Status",
                                        "URL"]),
    "/reports/": ("anonymous", ["id", "Title (English)", "Title (French)", "Kind", "From", "To",
                                "Status", "Level", "Group", "URL"]),
    "/search/?q=meeting": ("anonymous", ["Kind", "Title", "Date", "Excerpt", "URL"]),
}
_RANKING = ["Rank", "Tied", "Title (English)", "Title (French)", "Lead organisation", "Stage",
            "Score", "Organisations scored", "Organisations expected",
            "Organisations disagree"]

# Lists whose demo data holds one "[level] …" item at each of these levels, all on the download
# (the public demo paper is published: in the publications, not in progress).
_ALL = tuple(LEVEL_AUDIENCE)
LEVELLED = {"/posts/": _ALL, "/papers/in-progress/": ("members", "core", "restricted"),
            "/decisions/": _ALL, "/proposals/cycles/{cycle}/": _ALL, "/calendar/upcoming/": _ALL,
            "/forums/": _ALL, "/tasks/": _ALL, "/reports/": _ALL}


def _path(path: str) -> str:
    if "{cycle}" in path:
        from decisions.models import Proposal

        cycle = Proposal.objects.get(title_en__startswith="[public]").cycle_id
        path = path.replace("{cycle}", str(cycle))
    # The demo meetings are 3 to 7 weeks ahead: the month of the first.
    month = (timezone.localdate() + datetime.timedelta(days=21)).strftime("%Y-%m")
    return path.replace("{year}", str(timezone.localdate().year)).replace("{month}", month)


def _with(path: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{path}{'&' if '?' in path else '?'}{query}"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Cache-Control"] == "private, no-store"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def xlsx_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [["" if value is None else value for value in row] for row in sheet.values]


def _same(cell) -> str:
    """A cell as text, numbers compared by value (CSV "3.5000" is XLSX 3.5)."""
    try:
        return repr(float(cell)) if str(cell).strip() not in ("", "nan", "inf") else str(cell)
    except ValueError:
        return str(cell)


def _samples(people):
    """What the demo data lacks for these lists: a report at each level."""
    from reports.tests.samples import sample_report

    for level in LEVEL_AUDIENCE:
        sample_report(level)


@pytest.mark.parametrize("path", list(LISTS))
def test_csv_and_xlsx_parse_with_the_header_and_the_same_rows(client_for, people, path):
    _samples(people)
    reader, header = LISTS[path]
    client = client_for("secretariat" if reader == "anonymous" else reader)
    url = _path(path)
    rows = csv_rows(client.get(_with(url, format="csv")))
    if header is None:  # the ranking: its criteria are columns too
        from decisions.models import Criterion, Proposal

        cycle = Proposal.objects.get(title_en__startswith="[public]").cycle_id
        header = [*_RANKING, *[f"{c.title_en or c.title_fr} (×{c.weight})" for c in
                               Criterion.objects.filter(cycle_id=cycle).order_by("order", "pk")],
                  "URL"]
    assert rows[0] == header
    assert len(rows) > 1, f"{path}: the download of the demo data is empty"
    for row in rows[1:]:
        assert len(row) == len(header)
        assert row[-1].startswith("http://testserver/")
    sheet = xlsx_rows(client.get(_with(url, format="xlsx")))
    assert [[_same(c) for c in row] for row in sheet] == [[_same(c) for c in row]
                                                          for row in rows]


@pytest.mark.parametrize("path", list(LISTS))
def test_a_download_answers_whom_the_page_answers_and_leaks_nothing(client_for, people, path):
    _samples(people)
    url = _path(path)
    for standing in STANDINGS:
        client = client_for(standing)
        page = client.get(url)
        download = client.get(_with(url, format="csv"))
        assert download.status_code == page.status_code, (standing, url)
        body = download.content
        for level, audience in LEVEL_AUDIENCE.items():
            if standing not in audience:
                assert f"[{level}]".encode() not in body, f"{standing} gets [{level}] from {url}"
            elif level in LEVELLED.get(path, ()) and download.status_code == 200:
                assert f"[{level}]".encode() in body, f"{standing} misses [{level}] in {url}"


def test_members_download_what_anonymous_and_outsiders_do_not(client_for, people):
    for path in ("/posts/", "/decisions/", "/calendar/upcoming/", "/forums/"):
        anonymous = client_for("anonymous").get(_with(path, format="csv")).content
        outsider = client_for("outsider").get(_with(path, format="csv")).content
        member = client_for("member").get(_with(path, format="csv")).content
        for marker in (b"[members]", b"[core]"):
            assert marker in member and marker not in anonymous and marker not in outsider


def _addresses(rows: list[list[str]]) -> list[str]:
    """The rows (after the header) by their address, the last column: one per record."""
    return sorted(row[-1] for row in rows[1:])


def _column(rows, name: str) -> int:
    return rows[0].index(name)


def _filtered_is_the_subset(client, path: str, params: dict, column: str, keep) -> None:
    everything = csv_rows(client.get(_with(path, format="csv")))
    chosen = csv_rows(client.get(_with(path, format="csv", **params)))
    index = _column(everything, column)
    expected = [row for row in everything[1:] if keep(row[index])]
    assert chosen[0] == everything[0]
    assert _addresses(chosen) == _addresses([everything[0], *expected]), (path, params)
    assert 0 < len(chosen) - 1 < len(everything) - 1, (path, params, len(chosen), len(everything))


def _copy(item, **changes):
    item.pk = item.id = None
    for name, value in changes.items():
        setattr(item, name, value)
    item.save()
    return item


def test_filters_select_exactly_the_filtered_rows(client_for, people):
    from decisions.models import Decision, Sitting
    from members.models import Body
    from papers.models import Paper, PaperKind

    public = Paper.objects.get(title_en__startswith="[public]")
    other_kind = PaperKind.objects.exclude(pk=public.kind_id).first()
    _copy(Paper.objects.get(pk=public.pk), kind=other_kind, title_en="Another publication")
    _copy(Decision.objects.get(title_en__startswith="[public]"), status=Decision.Status.DONE,
          title_en="A decision carried out", reference="paragraph 99")
    sitting = Sitting.objects.first()
    _copy(Sitting.objects.get(pk=sitting.pk), body=Body.objects.exclude(pk=sitting.body_id)
          .first(), title_en="Another body's sitting", starts_on=datetime.date(2020, 5, 1))

    secretariat = client_for("secretariat")
    member = client_for("member")
    _filtered_is_the_subset(secretariat, "/posts/", {"kind": "news"}, "Kind",
                            lambda v: v == "News")
    _filtered_is_the_subset(client_for("anonymous"), "/papers/", {"kind": other_kind.slug},
                            "Kind", lambda v: v == other_kind.name_en)
    _filtered_is_the_subset(secretariat, "/decisions/", {"status": "done"}, "Implementation",
                            lambda v: v == "Done")
    body = Body.objects.get(pk=sitting.body_id)
    _filtered_is_the_subset(secretariat, "/decisions/sittings/", {"body": body.slug}, "Body",
                            lambda v: v == str(body))
    _filtered_is_the_subset(member, "/calendar/upcoming/", {"kind": "forum"}, "Kind",
                            lambda v: v == "External forum")
    _filtered_is_the_subset(secretariat, "/tasks/", {"about": "meeting"}, "About",
                            lambda v: v == "Meeting")
    _filtered_is_the_subset(secretariat, "/advisory/?status=all", {"urgency": "urgent"},
                            "Urgency", lambda v: v == "Urgent")
    _filtered_is_the_subset(client_for("anonymous"), "/directory/", {"kind": "observer"},
                            "Standing", lambda v: v == "Observer")
    _filtered_is_the_subset(secretariat, "/work/", {"status": "late"}, "Health",
                            lambda v: v == "Late")
    search = csv_rows(secretariat.get("/search/?q=meeting&kind=meeting&format=csv"))
    kind = search[1][0]
    _filtered_is_the_subset(secretariat, "/search/?q=meeting", {"kind": "meeting"}, "Kind",
                            lambda v: v == kind)


def test_the_limit_is_said(client_for, people, monkeypatch):
    from talanoa.lib import exports

    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    response = client_for("secretariat").get("/posts/?format=csv")
    assert len(csv_rows(response)) == 3 and response["X-Export-Truncated"] == "2"


def test_the_links_carry_the_filters_without_the_cursor(client_for, rf):
    request = rf.get("/tasks/?status=open&owner=4&after=1.2026-01-01.5")
    assert export_query(request, "xlsx") == "status=open&owner=4&format=xlsx"
    body = client_for("member").get("/tasks/?status=open&after=0.-.1").content.decode()
    assert 'href="/tasks/?status=open&amp;format=csv"' in body
    assert 'href="/tasks/?status=open&amp;format=xlsx"' in body


def test_an_unknown_format_is_the_page(client_for):
    response = client_for("anonymous").get("/posts/?format=pdf")
    assert response.status_code == 200 and "html" in response["Content-Type"]


DOWNLOADS = [
    ("member", "/posts/?format=csv"),
    ("member", "/decisions/?format=xlsx"),
    ("member", "/papers/in-progress/?format=csv"),
    ("secretariat", "/tasks/?format=csv"),
    ("member", "/tasks/mine/?format=csv"),
    ("member", "/calendar/{year}/?format=csv"),
    ("anonymous", "/directory/?format=csv"),
    ("member", "/work/?format=csv"),
]


# --- On grown data: last in the module (see its docstring) ----------------------------------


@dataclass
class Grown:
    clients: dict[str, Client]
    paths: dict[str, str]  # each download's address, its sample filled in
    rows: dict[tuple[str, str], bytes]  # each download on the demo data
    before: dict[tuple[str, str], int]  # and its queries


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker) -> Iterator[Grown]:
    """Every download fetched and measured on the demo data, then the data grown once for the
    module (in a transaction rolled back at its end): growing costs seconds, once per download
    it added up."""
    from conftest import DEMO
    from members.models import User

    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            people = {s: User.objects.get(email=e) for s, e in DEMO.items()}
            clients = signed_in_clients({standing for standing, _ in DOWNLOADS}, people)
            paths = {path: _path(path) for _, path in DOWNLOADS}
            rows, before = {}, {}
            for standing, path in DOWNLOADS:
                rows[standing, path] = clients[standing].get(paths[path]).content
                before[standing, path] = count_queries(clients[standing], paths[path])
            grow(TEST_GROWTH, representing=[people["member"].person, people["observer"].person])
        yield Grown(clients, paths, rows, before)


@pytest.mark.parametrize(("standing", "path"), DOWNLOADS)
def test_a_download_costs_the_same_queries_as_data_grows(grown, standing, path):
    client = grown.clients[standing]
    rows_before, before = grown.rows[standing, path], grown.before[standing, path]
    path = grown.paths[path]
    rows_after = client.get(path).content
    after = count_queries(client, path)
    assert after == before, f"{standing} {path}: {before} queries, then {after} with more data"
    if path.endswith("csv") and "/work/" not in path:  # the plan lists initiatives: few grow
        assert rows_after.count(b"\n") > rows_before.count(b"\n")


def test_every_row_not_one_page(grown):
    """A download holds all the rows the filters select, past the page's length."""
    member = grown.clients["member"]
    page = member.get("/posts/").context["page"]
    assert len(page) == 20 and page.older
    rows = csv_rows(member.get("/posts/?format=csv&before=" + page.older))
    assert len(rows) - 1 > 100  # the cursor selects a page, not rows: it is ignored
    assert len(rows) - 1 < EXPORT_LIMIT
