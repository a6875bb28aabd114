"""The ToR coverage heat map: counts only what the reader may see, cells list those records,
and the cost does not grow with the data."""

from collections.abc import Iterator

import pytest
from django.urls import reverse

from reports.tests.activity import MARK, add_activity
from talanoa.tests.module_data import module_transaction
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db


def _url(*args) -> str:
    name = "reports:coverage" if len(args) == 2 else "reports:coverage_cell"
    return reverse(name, args=args)


def _cells(client, year=2026) -> dict[str, list[int]]:
    response = client.get(_url("ict", year))
    assert response.status_code == 200
    return {row.objective.code: [c.count for c in row.cells] for row in response.context["rows"]}


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker) -> Iterator[dict[str, list]]:
    """The activity, made once for the module (in a transaction rolled back at its end): the
    tests only read it, and making it again for each cost about half a second a time. The 404
    checks run while it exists, unharmed: it adds no group, year or objective."""
    from members.models import WorkingGroup

    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            activity = add_activity(WorkingGroup.objects.get(slug="ict"))
        yield activity


def test_it_shows_every_objective_by_quarter_for_anyone(client_for, made):
    response = client_for("anonymous").get(_url("ict", 2026))
    assert response.status_code == 200
    codes = [row.objective.code for row in response.context["rows"]]
    assert codes == [f"G{i}" for i in range(1, 7)] + [f"S{i}" for i in range(1, 16)]
    html = response.content.decode()
    assert 'class="cov-none"' in html  # neglected objectives stand out
    assert _url("ict", 2026, "S15", 2) in html
    assert _url("ict", 2025) in html and _url("ict", 2027) in html
    assert "style=" not in html.split('<main id="main">')[1]  # the CSP forbids inline styles


def test_an_anonymous_readers_counts_leave_out_what_a_member_sees(client_for, made):
    anonymous, member = _cells(client_for("anonymous")), _cells(client_for("member"))
    chair = _cells(client_for("chair"))
    # S15: the ICT Ministers' Meetings of Q2 (one at each level, none in the demo data)
    assert anonymous["S15"] == [0, 1, 0, 0]
    assert member["S15"] == [0, 3, 0, 0]  # public, members, core (Fiji is a member)
    assert chair["S15"] == [0, 4, 0, 0]
    # S14: forums attended in Q3
    assert anonymous["S14"][2] < member["S14"][2] < chair["S14"][2]
    for code in anonymous:
        assert all(a <= m for a, m in zip(anonymous[code], member[code], strict=True)), code


def test_a_cell_lists_only_the_records_the_reader_may_see(client_for, made):
    url = _url("ict", 2026, "S15", 2)
    anonymous = client_for("anonymous").get(url).content.decode()
    member = client_for("member").get(url).content.decode()
    chair = client_for("chair").get(url).content.decode()
    assert f"[public] {MARK} ministers" in anonymous
    assert f"[members] {MARK} ministers" not in anonymous
    assert f"[members] {MARK} ministers" in member and f"[core] {MARK} ministers" in member
    assert "[restricted]" not in member
    assert f"[restricted] {MARK} ministers" in chair
    meeting = made["ministers"][0]
    assert meeting.get_absolute_url() in anonymous


def test_a_cell_lists_the_tasks_about_the_objectives_plan_items(client_for, made):
    member = client_for("member").get(_url("ict", 2026, "S2", 4)).content.decode()
    assert f"[public] {MARK} task done" in member
    assert f"[restricted] {MARK} task done" not in member


@pytest.mark.parametrize("args", [("ict", 2026, "S2", 5), ("ict", 2026, "R1", 1),
                                  ("ict", 2026, "S99", 1), ("nope", 2026, "S2", 1),
                                  ("ict", 1999, "S2", 1)])
def test_it_answers_404_for_what_does_not_exist(client_for, args):
    assert client_for("anonymous").get(_url(*args)).status_code == 404


def test_the_table_and_a_cell_cost_the_same_with_ten_times_more_records(client_for, group,
                                                                       made):
    client = client_for("member")
    table, cell = _url("ict", 2026), _url("ict", 2026, "S2", 4)
    before = count_queries(client, table), count_queries(client, cell)
    for copy in range(1, 10):
        add_activity(group, copy)
    assert (count_queries(client, table), count_queries(client, cell)) == before
    assert _cells(client)["S15"] == [0, 30, 0, 0]
