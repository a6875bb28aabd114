"""The secretariat edits an indicator's catalogue entry: both languages, sources, SDG targets;
edits never overwrite one another, and the public pages show the edit at once."""

import pytest
from django.urls import reverse

from indicators.models import Indicator
from papers.models import Tag

pytestmark = pytest.mark.django_db


def form_data(indicator: Indicator, **changes) -> dict:
    data = {"name_en": indicator.name_en, "name_fr": indicator.name_fr,
            "unit_en": indicator.unit_en, "unit_fr": indicator.unit_fr,
            "definition_en": indicator.definition_en, "definition_fr": indicator.definition_fr,
            "source": indicator.source, "licence": indicator.licence,
            "sdg_targets": [t.pk for t in indicator.sdg_targets.all()],
            "decimals": indicator.decimals, "order": indicator.order,
            "expected_version": indicator.version}
    return {**data, **changes}


def test_the_secretariat_adds_the_french_of_an_imported_indicator(client_for):
    indicator = Indicator.objects.create(code="IT.NET.BNDW.PC", name_en="Bandwidth per user")
    public = client_for("anonymous")
    url = reverse("indicators:indicator", args=[indicator.code])
    public.get(url)  # cached from here on

    secretariat = client_for("secretariat")
    edit = reverse("indicators:indicator_edit", args=[indicator.code])
    assert "Edit this indicator" in secretariat.get(url).content.decode()
    sdg = Tag.objects.get(kind="sdg", code="9.c")
    response = secretariat.post(edit, form_data(indicator, name_fr="Bande passante par usager",
                                                unit_en="bit/s", sdg_targets=[sdg.pk]))
    assert response.status_code == 302

    indicator.refresh_from_db()
    assert (indicator.name_fr, indicator.unit_en, indicator.version) == (
        "Bande passante par usager", "bit/s", 2)
    assert list(indicator.sdg_targets.all()) == [sdg]
    assert indicator.history.count() == 2
    public.cookies["django_language"] = "fr"
    french = public.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Bande passante par usager" in french


def test_a_stale_edit_conflicts_and_changes_nothing(client_for):
    indicator = Indicator.objects.get(code="IT.CEL.SETS.P2")
    secretariat = client_for("secretariat")
    edit = reverse("indicators:indicator_edit", args=[indicator.code])
    first = form_data(indicator, name_en="Mobile subscriptions")
    stale = form_data(indicator, name_en="Cellular subscriptions")
    assert secretariat.post(edit, first).status_code == 302

    response = secretariat.post(edit, stale)

    assert response.status_code == 409
    assert "Saved meanwhile by someone else" in response.content.decode()
    assert Indicator.objects.get(pk=indicator.pk).name_en == "Mobile subscriptions"


def test_bad_input_says_why_and_changes_nothing(client_for):
    indicator = Indicator.objects.get(code="IT.CEL.SETS.P2")
    secretariat = client_for("secretariat")
    edit = reverse("indicators:indicator_edit", args=[indicator.code])

    response = secretariat.post(edit, form_data(indicator, name_en="", decimals=40))

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    indicator.refresh_from_db()
    assert (indicator.name_en, indicator.decimals, indicator.version) == (
        "Mobile cellular subscriptions", 1, 1)
