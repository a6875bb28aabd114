import pytest

pytestmark = pytest.mark.django_db


def test_pages(client_for, make_decision):
    d = make_decision()
    for standing in ("anonymous", "member", "secretariat"):
        c = client_for(standing)
        for url in ("/decisions/", d.get_absolute_url(), "/decisions/sittings/",
                    d.sitting.get_absolute_url(), "/decisions/feed.atom", "/me/"):
            if standing == "anonymous" and url == "/me/":
                continue
            r = c.get(url)
            assert r.status_code == 200, (standing, url, r.status_code)
    c = client_for("secretariat")
    for url in ("/decisions/new/", f"/decisions/{d.pk}/edit/", f"/decisions/{d.pk}/actions/new/",
                "/decisions/sittings/new/", f"/decisions/sittings/{d.sitting.pk}/edit/"):
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
