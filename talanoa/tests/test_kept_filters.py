"""Visibility filters kept per process, compiled to SQL: one per kind of viewer, never shared by
two kinds, and the same rows as the filter built anew wherever the query puts it."""

import dataclasses
import re

import pytest
from django.db.models import Exists, OuterRef

from members.models import Organisation
from papers.models import Paper
from portal.models import Post
from talanoa import access
from talanoa.access import KeptFilter, Viewer, build_viewer, visible, visible_q, visible_tasks_q
from tasks.models import Task


def _sql(q, model=Paper) -> str:
    return str(model.objects.filter(q).query)


@pytest.fixture
def kept(monkeypatch):
    """An empty store, and the calls made to build a filter."""
    monkeypatch.setattr(access, "_KEPT_FILTERS", {})
    calls = []
    build = access._build_visible_q

    def counting(model, viewer):
        calls.append((model, viewer))
        return build(model, viewer)

    monkeypatch.setattr(access, "_build_visible_q", counting)
    return calls


def test_a_filter_is_built_once_for_a_kind_of_viewer_and_never_for_another(kept):
    member = Viewer(user_id=7, person_id=3, member_groups=frozenset({1}), org_ids=frozenset({4}))
    first = _sql(visible_q(Paper, member))
    built = len(kept)  # compiling builds it, and once more as the fallback is not needed
    assert _sql(visible_q(Paper, dataclasses.replace(member))) == first
    assert len(kept) == built, "the same kind of viewer built the filter again"
    assert isinstance(visible_q(Paper, member).children[0], KeptFilter)

    wider = dataclasses.replace(member, member_groups=frozenset({1, 2}))
    assert _sql(visible_q(Paper, wider)) != first
    assert "IN (1, 2)" in _sql(visible_q(Paper, wider))
    core = dataclasses.replace(member, core_groups=frozenset({1}))
    assert _sql(visible_q(Paper, core)) != first
    editor = dataclasses.replace(member, editor_groups=frozenset({1}))
    assert _sql(visible_tasks_q(editor), Task) != _sql(visible_tasks_q(member), Task)


def test_viewers_holding_invitations_and_superusers_are_not_kept(db, kept):
    invited = Viewer(grants=frozenset({(1, 2)}))
    visible_q(Paper, invited)
    visible_q(Paper, invited)
    assert len(kept) == 2 and access._KEPT_FILTERS == {}
    assert visible_q(Paper, Viewer(user_id=1, is_superuser=True)) == access.Q()


def test_the_kept_filters_are_bounded(monkeypatch):
    monkeypatch.setattr(access, "_KEPT_FILTERS", {})
    monkeypatch.setattr(access, "_KEPT_FILTERS_MAX", 3)
    for user_id in range(10):
        visible_q(Paper, Viewer(user_id=user_id))
    assert len(access._KEPT_FILTERS) <= 3


def test_a_filter_needing_a_join_or_a_subquery_on_its_own_table_is_not_compiled():
    from django.db.models import Q

    assert access._compile_filter(Post, Q(group__slug="ict")) is None
    assert access._compile_filter(Post, Q(level="public")) is not None
    newer = Post.objects.filter(group_id=OuterRef("group_id"), pk__gt=OuterRef("pk"))
    assert access._compile_filter(Post, Q(Exists(newer))) is None


def test_a_kept_filter_refuses_another_table(db):
    sql, params = access._compile_filter(Post, access._build_visible_q(Post, Viewer()))
    with pytest.raises(ValueError):
        list(Paper.objects.filter(KeptFilter(sql, params, table=Post._meta.db_table)))


@pytest.mark.django_db
@pytest.mark.parametrize("standing", access.STANDINGS)
def test_kept_filters_find_the_same_rows_as_filters_built_anew(people, group, standing):
    """Top level, as a subquery (the table renamed U0) and inside EXISTS (the tasks' filter):
    every form gives exactly the rows of the filter built through the ORM."""
    fiji = Organisation.objects.get(slug="gov-fji")
    named = Post.objects.create(group=group, title_en="[restricted] Fiji", level="restricted")
    named.restricted_organisations.add(fiji)
    Post.objects.create(group=group, title_en="[restricted] nobody", level="restricted")
    viewer = build_viewer(None if standing == "anonymous" else people[standing])
    expected = set(Post.objects.filter(access._build_visible_q(Post, viewer))
                   .values_list("pk", flat=True))
    assert expected  # public posts at least

    for _ in range(2):  # built, then kept
        assert set(visible(Post.objects.all(), viewer).values_list("pk", flat=True)) == expected
        as_subquery = Post.objects.filter(pk__in=visible(Post.objects.all(), viewer).values("pk"))
        assert set(as_subquery.values_list("pk", flat=True)) == expected
        assert re.search(r'\bU0"?\."archived_at"', str(as_subquery.query))  # renamed
        correlated = Post.objects.filter(Exists(visible(
            Post.objects.filter(pk=OuterRef("pk")), viewer)))
        assert set(correlated.values_list("pk", flat=True)) == expected
    assert (named.pk in expected) is (standing in {"member", "chair", "secretariat"})

    tasks_expected = set(Task.objects.filter(access._build_visible_tasks_q(viewer))
                         .values_list("pk", flat=True))
    for _ in range(2):
        assert set(access.visible_tasks(Task.objects.all(), viewer)
                   .values_list("pk", flat=True)) == tasks_expected
