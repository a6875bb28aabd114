import gzip

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_it_shows_the_group_and_its_objectives_from_the_database(client_for):
    from members.models import Objective

    Objective.objects.filter(code="S13").update(text_en="Keep the portal alive and well.")
    response = client_for("anonymous").get(reverse("portal:home"))
    assert response.status_code == 200
    assert b"CROP ICT Working Group" in response.content
    assert b"Keep the portal alive and well." in response.content
    assert b"[public] Regional ICT Initiative" in response.content
    assert b"[members]" not in response.content


def test_it_has_no_inline_script_and_a_strict_csp(client_for):
    response = client_for("anonymous").get(reverse("portal:home"))
    assert b"<script" not in response.content and b" style=" not in response.content
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"


def test_it_fits_the_first_round_trip(client_for):
    from django.contrib.staticfiles import finders

    html = client_for("anonymous").get(reverse("portal:home")).content
    with open(finders.find("talanoa.css"), "rb") as f:
        css = f.read()
    assert len(gzip.compress(html, 6)) + len(gzip.compress(css, 6)) <= 14 * 1024


def test_it_speaks_french(client_for):
    client = client_for("anonymous")
    response = client.get(reverse("portal:home"), headers={"accept-language": "fr"})
    assert response["Content-Language"] == "fr"
    assert b"Groupe de travail du CORP sur les TIC" in response.content
    assert "[public] Initiative régionale sur les TIC".encode() in response.content
    with translation.override("fr"):
        assert 'lang="fr"' in response.content.decode()


def test_it_marks_a_missing_translation(client_for, group):
    from portal.models import Post

    Post.objects.create(group=group, title_en="English only news", level="public")
    response = client_for("anonymous").get(reverse("portal:home"),
                                           headers={"accept-language": "fr"})
    assert b'<span lang="en">English only news</span>' in response.content
