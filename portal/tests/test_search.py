import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("standing", "sees"), [
    ("anonymous", {"public"}), ("outsider", {"public"}),
    ("observer", {"public", "members"}), ("member", {"public", "members", "core"}),
    ("chair", {"public", "members", "core", "restricted"}),
])
def test_it_finds_only_what_the_reader_may_see(client_for, standing, sees):
    content = client_for(standing).get(reverse("portal:search"), {"q": "["}).content
    for level in ("public", "members", "core", "restricted"):
        assert (f"[{level}]".encode() in content) is (level in sees), level


def test_it_finds_organisations(client_for):
    content = client_for("anonymous").get(reverse("portal:search"), {"q": "Tonga"}).content
    assert b"Government of Tonga" in content


def test_it_refuses_an_overlong_query_clearly(client_for):
    response = client_for("anonymous").get(reverse("portal:search"), {"q": "x" * 500})
    assert response.status_code == 200
    assert b"at most 200 characters" in response.content
