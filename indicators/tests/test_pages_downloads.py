"""Downloads of the indicator pages: exactly the rows shown, values as published, no formulas."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db  # the bundled WDI data is starter data

MOBILE = "IT.CEL.SETS.P2"


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def read_xlsx(response) -> list[dict]:
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_profile_csv_has_the_exact_published_value(client):
    rows = read_csv(client.get(reverse("indicators:profile_table", args=["TON", "csv"])))
    tonga = next(r for r in rows if r["Indicator code"] == MOBILE and r["Code"] == "TON"
                 and r["Year"] == "2022")
    assert tonga["Value"] == "61.7257858761257"
    assert tonga["Source"] == "World Bank, World Development Indicators (ITU data)"
    assert tonga["Vintage"] == "2026-07-01"
    assert {r["Code"] for r in rows} == {"TON", "PSS", "EAS", "WLD"}


def test_the_profile_xlsx_has_the_exact_published_value_as_a_number(client):
    rows = read_xlsx(client.get(reverse("indicators:profile_table", args=["TON", "xlsx"])))
    tonga = next(r for r in rows if r["Indicator code"] == MOBILE and r["Code"] == "TON"
                 and r["Year"] == 2022)
    assert Decimal(repr(tonga["Value"])) == Decimal("61.7257858761257")


def test_the_profile_download_has_the_years_of_the_page(client):
    query = {"from": "2015", "to": "2020"}
    page = client.get(reverse("indicators:profile", args=["TON"]), query).content.decode()
    shown = len(re.findall(r'<td>\d', page))
    rows = read_csv(client.get(reverse("indicators:profile_table", args=["TON", "csv"]), query))
    assert len(rows) == shown
    assert {r["Year"] for r in rows} == {str(y) for y in range(2015, 2021)}


def test_the_indicator_download_has_the_cells_of_the_page(client):
    page = client.get(reverse("indicators:indicator", args=[MOBILE])).content.decode()
    table = page.split("Values by year")[1].split("</table>")[0]
    shown = len(re.findall(r'<td>\d', table))
    rows = read_csv(client.get(reverse("indicators:indicator_table", args=[MOBILE, "csv"])))
    assert len(rows) == shown
    fiji = next(r for r in rows if r["Code"] == "FJI" and r["Year"] == "2023")
    assert fiji["Value"] == "361.048644963723"
    assert fiji["Flags"] == "break in series; jump: more than 2× or less than ½ the year before"
    xlsx = read_xlsx(client.get(reverse("indicators:indicator_table", args=[MOBILE, "xlsx"])))
    assert len(xlsx) == len(rows)


def test_the_dashboard_download_has_the_ranking_and_the_comparators(client):
    rows = read_csv(client.get(reverse("indicators:dashboard_table", args=["csv"]),
                               {"indicator": MOBILE}))
    assert [r["Code"] for r in rows[:1]] == ["FJI"]
    assert len(rows) == 22 + 5  # the PICTs, the Pacific median and 4 comparators
    cook = next(r for r in rows if r["Code"] == "COK")
    assert cook["Mobile cellular subscriptions"] == ""
    assert cook["Flags"] == "no data"
    tonga = next(r for r in rows if r["Code"] == "TON")
    assert tonga["Mobile cellular subscriptions"] == "61.7257858761257"
    assert tonga["Change over 1 year"] == "0.7455981806095"  # 2022 − 2021, exact


def test_a_name_that_looks_like_a_formula_is_neutralised(client):
    from indicators.models import Economy

    Economy.objects.filter(code="TON").update(name_en="=cmd|' /C calc'!A0")
    rows = read_csv(client.get(reverse("indicators:profile_table", args=["TON", "csv"])))
    assert {r["Economy"] for r in rows if r["Code"] == "TON"} == {"'=cmd|' /C calc'!A0"}
    xlsx = read_xlsx(client.get(reverse("indicators:profile_table", args=["TON", "xlsx"])))
    assert {r["Economy"] for r in xlsx if r["Code"] == "TON"} == {"'=cmd|' /C calc'!A0"}


@pytest.mark.parametrize(("name", "args", "query"), [
    ("tile_map_svg", [], {"indicator": MOBILE}), ("indicator_svg", [MOBILE], {}),
    ("profile_svg", ["TON", MOBILE], {})])
def test_charts_download_as_svg_files(client, name, args, query):
    response = client.get(reverse(f"indicators:{name}", args=args), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].endswith('.svg"')
    assert b"<svg" in response.content and b"<script" not in response.content
