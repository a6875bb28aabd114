"""The policy itself: each standing against each level, computed from the policy's own table."""

import pytest
from django.test import RequestFactory

from members.models import Organisation, Person, Representative, WorkingGroup
from portal.models import Post
from talanoa import access
from talanoa.access import LEVEL_AUDIENCE, Level, build_viewer

STANDINGS = [s for s in access.STANDINGS]
pytestmark = pytest.mark.django_db


def _viewer(people, standing):
    return build_viewer(None if standing == "anonymous" else people[standing])


def _demo_post(level: str) -> Post:
    return Post.objects.get(title_en__startswith=f"[{level}]")


@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("level", Level.values)
def test_it_follows_the_table(people, standing, level):
    viewer = _viewer(people, standing)
    post = _demo_post(level)
    expected = standing in LEVEL_AUDIENCE[level]
    assert access.can_view(post, viewer) is expected
    assert access.visible(Post.objects.all(), viewer).filter(pk=post.pk).exists() is expected


@pytest.mark.parametrize("standing", STANDINGS)
def test_it_reports_the_standing(people, group, standing):
    assert _viewer(people, standing).standing(group.pk) == standing


def test_it_lets_named_organisations_read_restricted_items(people, group):
    post = Post.objects.create(group=group, title_en="[restricted] for Fiji", level="restricted")
    post.restricted_organisations.add(Organisation.objects.get(slug="gov-fji"))
    assert access.can_view(post, _viewer(people, "member"))
    assert not access.can_view(post, _viewer(people, "observer"))
    assert access.visible(Post.objects.all(), _viewer(people, "member")).filter(pk=post.pk).exists()


def test_it_hides_archived_items_from_all_but_editors(people, group):
    post = _demo_post("public")
    post.archived_at = post.published_at
    post.save()
    assert not access.can_view(post, _viewer(people, "anonymous"))
    assert not access.can_view(post, _viewer(people, "member"))
    assert access.can_view(post, _viewer(people, "secretariat"))


def test_it_extends_members_to_taskforces_of_the_group(people, group):
    taskforce = WorkingGroup.objects.get(slug="ict-2050")
    post = Post.objects.create(group=taskforce, title_en="taskforce note", level="members")
    assert access.can_view(post, _viewer(people, "observer"))
    assert access.can_edit(post, _viewer(people, "chair"))
    assert not access.can_view(post, _viewer(people, "outsider"))


def test_it_does_not_cross_into_another_group(people):
    other = WorkingGroup.objects.get(slug="gender")
    post = Post.objects.create(group=other, title_en="gender members note", level="members")
    for standing in ("member", "chair", "secretariat"):
        assert not access.can_view(post, _viewer(people, standing))


def test_it_ends_with_the_membership(people, group):
    from members.models import Membership

    Membership.objects.filter(group=group, organisation__slug="jica").update(end="2020-01-01")
    assert not access.can_view(_demo_post("members"), _viewer(people, "observer"))


def test_it_ends_with_the_representation(people, group):
    rep = Representative.objects.get(person__email="member@demo.talanoa.test")
    rep.ended_on = rep.group.created_at.date()
    rep.save()
    assert not access.can_view(_demo_post("members"), _viewer(people, "member"))


def test_item_grants_open_one_item_only(people, group):
    from django.contrib.contenttypes.models import ContentType

    post = _demo_post("core")
    ct = ContentType.objects.get_for_model(Post)
    viewer = build_viewer(None, [(ct.pk, post.pk)])
    assert access.can_view(post, viewer)
    assert list(access.visible(Post.objects.exclude(level="public"), viewer)) == [post]


def test_it_describes_the_audience(group):
    post = _demo_post("restricted")
    text = access.audience(post)
    assert "Dr Mele Taufa" in text and "Sione Latu" in text
    assert "public" in access.audience(_demo_post("public"))


def test_viewer_costs_a_constant_number_of_queries(people, django_assert_max_num_queries):
    request = RequestFactory().get("/")
    request.user = people["chair"]
    request.session = {}
    with django_assert_max_num_queries(3):
        access.viewer_for(request)
    person = Person.objects.get(user=people["chair"])
    assert person.representations.exists()
