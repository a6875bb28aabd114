"""Visibility filters kept per process: one per kind of viewer, never shared by two kinds."""

import dataclasses

from papers.models import Paper
from talanoa import access
from talanoa.access import Viewer, visible_q, visible_tasks_q
from work.models import Task


def _sql(q, model=Paper) -> str:
    return str(model.objects.filter(q).query)


def test_a_filter_is_built_once_for_a_kind_of_viewer_and_never_for_another():
    member = Viewer(user_id=7, person_id=3, member_groups=frozenset({1}), org_ids=frozenset({4}))
    assert visible_q(Paper, member) is visible_q(Paper, dataclasses.replace(member))
    assert visible_tasks_q(member) is visible_tasks_q(member)

    wider = dataclasses.replace(member, member_groups=frozenset({1, 2}))
    assert visible_q(Paper, wider) is not visible_q(Paper, member)
    assert _sql(visible_q(Paper, wider)) == _sql(access._build_visible_q(Paper, wider))
    assert "IN (1, 2)" in _sql(visible_q(Paper, wider))
    core = dataclasses.replace(member, core_groups=frozenset({1}))
    assert _sql(visible_q(Paper, core)) != _sql(visible_q(Paper, member))
    editor = dataclasses.replace(member, editor_groups=frozenset({1}))
    assert _sql(visible_tasks_q(editor), Task) != _sql(visible_tasks_q(member), Task)


def test_viewers_holding_invitations_are_not_kept(db):
    invited = Viewer(grants=frozenset({(1, 2)}))
    assert visible_q(Paper, invited) is not visible_q(Paper, invited)


def test_the_kept_filters_are_bounded(monkeypatch):
    monkeypatch.setattr(access, "_KEPT_FILTERS", {})
    monkeypatch.setattr(access, "_KEPT_FILTERS_MAX", 3)
    for user_id in range(10):
        visible_q(Paper, Viewer(user_id=user_id))
    assert len(access._KEPT_FILTERS) <= 3
