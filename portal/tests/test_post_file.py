import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from portal.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(group, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    post = Post.objects.create(group=group, title_en="With a file", level="core")
    post.attachment.save("brief.pdf", ContentFile(b"%PDF-1.4 brief"))
    return post


def test_it_serves_an_attachment_with_nosniff(client_for, post):
    response = client_for("member").get(reverse("portal:post_file", args=[post.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 brief"


@pytest.mark.parametrize("standing", ["anonymous", "outsider", "consultative", "observer"])
def test_it_hides_the_file_below_the_level(client_for, post, standing):
    assert client_for(standing).get(reverse("portal:post_file", args=[post.pk])).status_code == 404


def test_it_answers_404_without_a_file(client_for, group):
    post = Post.objects.create(group=group, title_en="No file", level="public")
    assert client_for("anonymous").get(reverse("portal:post_file", args=[post.pk])
                                       ).status_code == 404
