"""The starter catalogue reads in both languages; what has no French is marked as English."""

import pytest
from django.urls import reverse

from indicators.models import Indicator

pytestmark = pytest.mark.django_db


def french_page(client, code: str) -> str:
    client.cookies["django_language"] = "fr"
    return client.get(reverse("indicators:indicator", args=[code]),
                      HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_every_starter_indicator_has_french_names_units_and_definitions():
    for indicator in Indicator.objects.filter(code__startswith="IT."):
        assert indicator.name_fr and indicator.unit_fr and indicator.definition_fr, indicator


def test_the_definition_reads_in_french(client):
    html = french_page(client, "IT.CEL.SETS.P2")
    assert "technologie cellulaire" in html
    assert "cellular technology" not in html


def test_a_definition_without_french_is_marked_as_english(client):
    Indicator.objects.filter(code="IT.CEL.SETS.P2").update(definition_fr="")
    html = french_page(client, "IT.CEL.SETS.P2")
    assert '<p lang="en">Mobile cellular telephone subscriptions' in html


def test_indicators_and_profiles_are_found_by_search(client):
    html = client.get("/search/", {"q": "mobile cellular"}).content.decode()
    assert 'href="/indicators/IT.CEL.SETS.P2/"' in html
    html = client.get("/search/", {"q": "Tonga"}).content.decode()
    assert 'href="/indicators/TON/"' in html
    client.cookies["django_language"] = "fr"
    html = client.get("/search/", {"q": "téléphonie mobile"}, HTTP_ACCEPT_LANGUAGE="fr").content
    assert 'href="/indicators/IT.CEL.SETS.P2/"' in html.decode()
