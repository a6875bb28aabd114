"""The health of the work plan, computed from the milestones' dates (pure functions)."""

import datetime
from types import SimpleNamespace

import pytest

from plan.health import AT_RISK_DAYS, Health, build_forest, combined, dates_health

TODAY = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)


def item(pk, kind, parent=None, due=None, done=None):
    return SimpleNamespace(pk=pk, kind=kind, parent_id=parent, due_on=due, done_on=done)


@pytest.mark.parametrize(("due", "done", "health"), [
    (TODAY - DAY, TODAY - 5 * DAY, Health.DONE),         # done, even after its date
    (TODAY + 90 * DAY, TODAY, Health.DONE),
    (TODAY - DAY, None, Health.LATE),                    # due yesterday
    (TODAY, None, Health.AT_RISK),                       # due today: not late yet
    (TODAY + AT_RISK_DAYS * DAY, None, Health.AT_RISK),  # the last day of the window
    (TODAY + (AT_RISK_DAYS + 1) * DAY, None, Health.ON_TRACK),
    (None, None, Health.ON_TRACK),                       # no date: nothing to be late for
])
def test_a_milestone_health_comes_from_its_dates(due, done, health):
    assert dates_health(due, done, TODAY) == health


@pytest.mark.parametrize(("healths", "health"), [
    ([Health.DONE, Health.LATE, Health.AT_RISK], Health.LATE),
    ([Health.ON_TRACK, Health.AT_RISK, Health.DONE], Health.AT_RISK),
    ([Health.DONE, Health.DONE], Health.DONE),
    ([Health.DONE, Health.ON_TRACK], Health.ON_TRACK),
    ([Health.ON_TRACK], Health.ON_TRACK),
])
def test_healths_combine_worst_first(healths, health):
    assert combined(healths) == health


def test_a_tree_takes_its_health_from_every_milestone_below():
    nodes = build_forest([
        item(1, "initiative", due=TODAY - 100 * DAY),     # its own date is ignored: it has
        item(2, "outcome", 1),                            # milestones below it
        item(3, "activity", 2),
        item(4, "milestone", 3, due=TODAY - DAY),         # late
        item(5, "milestone", 3, due=TODAY + 5 * DAY),     # at risk
        item(6, "outcome", 1),
        item(7, "milestone", 6, due=TODAY - 9 * DAY, done=TODAY - 10 * DAY),
        item(8, "milestone", 6, due=TODAY + 10 * DAY),    # at risk
        item(9, "outcome", 1),
        item(10, "activity", 9, due=TODAY + 200 * DAY),   # no milestone: its own dates
        item(11, "outcome", 1, due=TODAY - DAY),          # no milestone, own date passed
    ], TODAY)
    assert nodes[4].health == Health.LATE and nodes[5].health == Health.AT_RISK
    assert nodes[3].health == Health.LATE and nodes[2].health == Health.LATE
    assert nodes[6].health == Health.AT_RISK
    assert nodes[10].health == Health.ON_TRACK and nodes[9].health == Health.ON_TRACK
    assert nodes[11].health == Health.LATE
    assert nodes[1].health == Health.LATE
    # why: the late milestones below, by node
    assert [m.item.pk for m in nodes[1].late] == [4]
    assert [m.item.pk for m in nodes[1].at_risk] == [5, 8]
    assert [n.item.pk for n in nodes[1].walk()] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert nodes[4].depth == 3


def test_all_milestones_done_makes_the_tree_done():
    nodes = build_forest([
        item(1, "initiative"), item(2, "outcome", 1),
        item(3, "milestone", 2, due=TODAY - DAY, done=TODAY - DAY),
        item(4, "milestone", 1, due=TODAY + DAY, done=TODAY),
    ], TODAY)
    assert nodes[1].health == Health.DONE and nodes[2].health == Health.DONE


def test_an_item_with_nothing_below_and_no_date_is_on_track():
    nodes = build_forest([item(1, "initiative"), item(2, "outcome", 1)], TODAY)
    assert nodes[1].health == Health.ON_TRACK and nodes[1].milestones == []


def test_an_item_whose_parent_is_not_given_is_a_root_of_its_own():
    nodes = build_forest([item(5, "milestone", 99, due=TODAY - DAY)], TODAY)
    assert nodes[5].health == Health.LATE and nodes[5].depth == 0
