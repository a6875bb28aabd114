import pytest
from django.urls import reverse

from portal.models import Post

pytestmark = pytest.mark.django_db


def _form(post: Post, **changes) -> dict:
    data = {"group": post.group_id, "kind": post.kind, "level": post.level,
            "title_en": post.title_en, "title_fr": post.title_fr, "body_en": post.body_en,
            "body_fr": post.body_fr, "published_at": post.published_at.strftime("%Y-%m-%d %H:%M"),
            "expected_version": post.version}
    data.update(changes)
    return data


@pytest.fixture
def post(group):
    return Post.objects.create(group=group, title_en="Cable landing note", level="members")


def test_it_saves_and_records_history(client_for, post):
    response = client_for("secretariat").post(reverse("portal:post_edit", args=[post.pk]),
                                              _form(post, title_en="Cable landing note v2"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title_en == "Cable landing note v2" and post.version == 2
    latest = post.history.first()
    assert latest.title_en == "Cable landing note v2"
    assert latest.history_user.email == "secretariat@demo.talanoa.test"


def test_it_shows_a_conflict_instead_of_overwriting(client_for, post):
    stale = _form(post, title_en="Chair's wording")
    client_for("secretariat").post(reverse("portal:post_edit", args=[post.pk]),
                                   _form(post, title_en="Secretariat's wording"))
    response = client_for("chair").post(reverse("portal:post_edit", args=[post.pk]), stale)
    assert response.status_code == 409
    assert b"Secretariat&#x27;s wording" in response.content
    post.refresh_from_db()
    assert post.title_en == "Secretariat's wording"
    # Saving again from the conflict page (now at the current version) is a deliberate choice.
    again = _form(post, title_en="Chair's wording")
    assert client_for("chair").post(reverse("portal:post_edit", args=[post.pk]),
                                    again).status_code == 302
    post.refresh_from_db()
    assert post.title_en == "Chair's wording"


def test_bad_input_changes_nothing(client_for, post):
    response = client_for("secretariat").post(reverse("portal:post_edit", args=[post.pk]),
                                              _form(post, level="restricted"))
    assert response.status_code == 400
    assert b"must name at least one organisation or person" in response.content
    post.refresh_from_db()
    assert post.level == "members" and post.version == 1


def test_members_cannot_edit(client_for, post):
    response = client_for("member").post(reverse("portal:post_edit", args=[post.pk]),
                                         _form(post, title_en="hijacked"))
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.title_en == "Cable landing note"


def test_it_creates_a_post(client_for, group):
    data = {"group": group.pk, "kind": "news", "level": "public", "title_en": "Hello",
            "title_fr": "Bonjour", "published_at": "2026-11-28 10:00"}
    response = client_for("chair").post(reverse("portal:post_new"), data)
    assert response.status_code == 302
    assert Post.objects.get(title_en="Hello").created_by.email == "chair@demo.talanoa.test"


def test_it_refuses_a_group_the_editor_does_not_run(client_for):
    from members.models import WorkingGroup

    other = WorkingGroup.objects.get(slug="gender")
    data = {"group": other.pk, "kind": "news", "level": "public", "title_en": "Elsewhere",
            "published_at": "2026-11-28 10:00"}
    response = client_for("chair").post(reverse("portal:post_new"), data)
    assert response.status_code == 400
    assert not Post.objects.filter(title_en="Elsewhere").exists()
