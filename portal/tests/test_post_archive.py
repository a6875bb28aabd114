import pytest
from django.urls import reverse

from portal.models import Post

pytestmark = pytest.mark.django_db


def test_it_archives_and_restores(client_for, group):
    post = Post.objects.create(group=group, title_en="Old notice", level="public")
    client = client_for("secretariat")
    assert client.post(reverse("portal:post_archive", args=[post.pk])).status_code == 302
    post.refresh_from_db()
    assert post.is_archived
    assert client_for("anonymous").get(post.get_absolute_url()).status_code == 404
    assert b"Old notice" not in client_for("anonymous").get(reverse("portal:posts")).content
    assert client.get(post.get_absolute_url()).status_code == 200
    client.post(reverse("portal:post_archive", args=[post.pk]))
    post.refresh_from_db()
    assert not post.is_archived
    assert Post.objects.filter(pk=post.pk).exists()


def test_it_is_refused_to_members(client_for, group):
    post = Post.objects.create(group=group, title_en="Kept", level="public")
    assert client_for("member").post(reverse("portal:post_archive", args=[post.pk])
                                     ).status_code == 403
    post.refresh_from_db()
    assert not post.is_archived
