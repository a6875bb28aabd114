import pytest
from django.urls import reverse

from members.models import Organisation
from portal.models import Post

pytestmark = pytest.mark.django_db


def test_it_shows_who_changed_what(client_for, group):
    post = Post.objects.create(group=group, title_en="First", level="members")
    client = client_for("secretariat")
    client.post(reverse("portal:post_edit", args=[post.pk]), {
        "group": group.pk, "kind": "news", "level": "members", "title_en": "Second",
        "published_at": "2026-11-28 10:00", "expected_version": 1})
    response = client.get(reverse("history:object", args=["portal.post", post.pk]))
    assert response.status_code == 200
    assert b"<del>First</del>" in response.content and b"<ins>Second</ins>" in response.content
    assert b"secretariat@demo.talanoa.test" in response.content


def test_it_restores_an_earlier_version(client_for, group):
    post = Post.objects.create(group=group, title_en="Original", level="members")
    post.title_en = "Vandalised"
    post.save()
    first = post.history.earliest()
    client = client_for("secretariat")
    response = client.post(reverse("history:restore",
                                   args=["portal.post", post.pk, first.history_id]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title_en == "Original"
    assert post.history.count() == 3  # the restore is itself a recorded change


def test_it_restores_organisations_for_any_editor(client_for):
    org = Organisation.objects.get(slug="pita")
    old_name = org.name_en
    org.name_en = "Wrong"
    org.save()
    record = org.history.order_by("history_date").first()
    client_for("chair").post(reverse("history:restore",
                                     args=["members.organisation", org.pk, record.history_id]))
    org.refresh_from_db()
    assert org.name_en == old_name


@pytest.mark.parametrize("standing", ["anonymous", "outsider", "member", "observer"])
def test_it_is_closed_to_non_editors(client_for, group, standing):
    post = Post.objects.get(title_en__startswith="[public]")
    response = client_for(standing).get(reverse("history:object", args=["portal.post", post.pk]))
    assert response.status_code in (302, 404)
    record = post.history.first()
    client_for(standing).post(reverse("history:restore",
                                      args=["portal.post", post.pk, record.history_id]))
    assert Post.objects.get(pk=post.pk).title_en.startswith("[public]")


def test_it_refuses_unknown_models(client_for):
    assert client_for("secretariat").get(
        reverse("history:object", args=["members.user", 1])).status_code == 404


def test_recent_changes_list_the_secretariat_edits(client_for, group):
    Post.objects.create(group=group, title_en="Fresh change", level="members")
    response = client_for("secretariat").get(reverse("history:recent"))
    assert b"Fresh change" in response.content
