"""The public indicator pages: dashboard, indicator page, country profile (the bundled WDI data)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db  # the bundled WDI data is starter data

MOBILE = "IT.CEL.SETS.P2"


def cells(html: str) -> str:
    """The page's text with tags removed and spaces squeezed, to find "Tonga … 61.7"."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("standing", ["anonymous", "member"])
def test_it_shows_the_dashboard_to_everyone(client_for, standing):
    response = client_for(standing).get(reverse("indicators:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    # The first indicator in catalogue order with data: mobile (IT.NET.USER.ZS has none).
    assert f'<option value="{MOBILE}" selected>' in html
    assert 'id="tile-map-t"' in html
    text = cells(html)
    assert "Tonga 2022 61.7" in text
    assert "Cook Islands no data" in text
    for name in ("Pacific island small states", "East Asia &amp; Pacific", "World",
                 "The Pacific: median of 17 PICTs"):
        assert name in html
    assert "Import data" not in html


def test_the_ranking_puts_the_highest_first_and_no_data_last(client):
    response = client.get(reverse("indicators:dashboard"), {"indicator": MOBILE})
    ranking = response.content.decode()
    names = re.findall(r'<th scope="row"><a href="/indicators/([A-Z]{3})/">', ranking)
    assert names[0] == "FJI"  # 574.2 in 2024
    assert names[-5:] == ["COK", "NIU", "PCN", "TKL", "WLF"]


def test_the_dashboard_of_another_indicator(client):
    response = client.get(reverse("indicators:dashboard"), {"indicator": "IT.NET.BBND.P2"})
    assert response.status_code == 200
    assert '<option value="IT.NET.BBND.P2" selected>' in response.content.decode()
    assert "American Samoa no data" in cells(response.content.decode())


def test_an_unknown_indicator_is_not_found(client):
    assert client.get(reverse("indicators:dashboard"), {"indicator": "NO.SUCH"}).status_code == 404
    assert client.get(reverse("indicators:indicator", args=["NO.SUCH"])).status_code == 404
    assert client.get(reverse("indicators:profile", args=["XXX"])).status_code == 404
    assert client.get(reverse("indicators:profile_table", args=["XXX", "csv"])).status_code == 404
    assert client.get(reverse("indicators:profile_svg", args=["TON", "NO.SUCH"])).status_code \
        == 404


@pytest.mark.parametrize("standing", ["anonymous", "member"])
def test_it_shows_a_country_profile(client_for, standing):
    response = client_for(standing).get(reverse("indicators:profile", args=["TON"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tonga</h1>" in html
    assert "2022 61.7" in cells(html)  # Tonga's mobile 2022, rounded to 1 decimal
    assert "61.7257858761257" not in html
    # Internet users: no data at all in the bundled files; said in words, never 0.
    assert "No data for Tonga." in html
    # Two indicators have data (mobile, broadband): a chart each, with ids unique on the page.
    assert html.count("<svg") == 2 and len(set(re.findall(r'id="(chart-[^"]+)-t"', html))) == 2


def test_a_profile_without_any_data_says_so(client):
    html = client.get(reverse("indicators:profile", args=["COK"])).content.decode()
    assert html.count("No data for Cook Islands in these years.") == 2  # comparators have
    assert html.count("No data for Cook Islands.") == 3  # nobody has
    tables = re.sub(r"<svg\b.*?</svg>", "", html, flags=re.S)  # charts have a 0 on their axis
    assert ">0.0<" not in tables and ">0<" not in tables


def test_fiji_mobile_2023_is_marked_as_a_break_and_a_jump(client):
    # The break is the starter data's flag (the README's "breaks in the source"); the jump is
    # computed: 111.7 (2022) → 361.0 (2023) is more than twice.
    html = client.get(reverse("indicators:profile", args=["FJI"])).content.decode()
    assert re.search(r"<th scope=\"row\">2023</th><td>361\.0<sup>†‡</sup>", html)
    assert re.search(r"<th scope=\"row\">2024</th><td>574\.2</td>", html)
    assert "jump: more than twice, or less than half, the year before" in html
    page = client.get(reverse("indicators:indicator", args=[MOBILE])).content.decode()
    assert re.search(r"361\.0<sup>†‡</sup>", page)


def test_an_estimate_flag_shows_on_the_value(client):
    from indicators.models import Economy, Flag, Indicator

    Flag.objects.create(indicator=Indicator.objects.get(code=MOBILE),
                        economy=Economy.objects.get(code="TON"), year=2022, kind="estimate")
    html = client.get(reverse("indicators:profile", args=["TON"])).content.decode()
    assert "<td>61.7<sup>*</sup></td>" in html


def test_the_indicator_page(client):
    response = client.get(reverse("indicators:indicator", args=[MOBILE]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Mobile cellular subscriptions</h1>" in html
    assert "per 100 people" in html and "9.c" in html
    assert "World Bank, World Development Indicators (ITU data)" in html
    assert "CC BY 4.0" in html and "2026-07-01" in html
    assert 'id="chart-it-cel-sets-p2-t"' in html
    years = html
    assert "<th scope=\"col\">2001</th>" in years  # the last 25 with data
    assert "<th scope=\"col\">2000</th>" not in years
    assert "<th scope=\"col\">2025</th>" in years
    assert "The Pacific (median of the PICTs with data; n)" in html


def test_the_years_can_be_chosen(client):
    html = client.get(reverse("indicators:indicator", args=[MOBILE]),
                      {"from": "2010", "to": "2015"}).content.decode()
    assert re.findall(r'<th scope="col">(\d{4})</th>', html) == [
        str(y) for y in range(2010, 2016)]
    assert f"/indicators/{MOBILE}.csv?from=2010&amp;to=2015" in html


@pytest.mark.parametrize("query", [{"from": "abc"}, {"from": "2015", "to": "2010"},
                                   {"to": "99999"}])
def test_bad_years_give_a_message_and_the_default_years(client, query):
    response = client.get(reverse("indicators:profile", args=["TON"]), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist"' in html and "The default years are shown." in html
    assert "2022 61.7" in cells(html)


def test_the_secretariat_sees_links_to_import_and_flag(client_for):
    html = client_for("secretariat").get(reverse("indicators:profile", args=["TON"])).content
    html = html.decode()
    assert reverse("indicators:imports") in html
    assert (f"{reverse('indicators:flag_edit')}?indicator={MOBILE}&amp;economy=TON&amp;"
            "year=2022") in html
    member = client_for("member").get(reverse("indicators:profile", args=["TON"])).content
    assert b"Flag this value" not in member


def test_in_french_numbers_have_a_decimal_comma(client):
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("indicators:profile", args=["TON"]),
                      HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "2022 61,7" in cells(html)
    assert "Indicateurs" in html or "Indicators" in html
