"""The indicator pages stay small and cheap: size budgets, constant queries as the data grows,
a cache that serves almost every request and follows every change of the data.

The size budgets and the constant queries are checked on data grown once for the module
(`grown`), after every page was measured on the bundled data. Their tests come last: the
growth stays until the module's end, and the other tests check the bundled data's own figures.
"""

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import series
from indicators.models import (
    Economy,
    Flag,
    ImportBatch,
    ImportTransition,
    Indicator,
    Observation,
)
from talanoa.tests.module_data import module_transaction

pytestmark = pytest.mark.django_db  # the bundled WDI data is starter data

MOBILE = "IT.CEL.SETS.P2"
PAGES = [reverse("indicators:dashboard"), reverse("indicators:indicator", args=[MOBILE]),
         reverse("indicators:profile", args=["TON"]), reverse("indicators:profile", args=["FJI"])]
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
CSS = gzip.compress((Path(settings.BASE_DIR) / "static" / "talanoa.css").read_bytes(), 6)


def gz(text: str) -> int:
    return len(gzip.compress(text.encode(), 6))


def grow_indicators_data(indicators: int = 60) -> None:
    """More indicators (without data: the selector's length), more economies, more years and
    more indicators with data, more flags."""
    batch = ImportBatch.objects.create(status=ImportBatch.Status.APPLIED, file_name="more.csv",
                                       sha256="2" * 64, vintage="2026-09-01")
    ImportTransition.objects.create(batch=batch, to_status=ImportBatch.Status.APPLIED)
    Indicator.objects.bulk_create([Indicator(code=f"T.IND.{n:03d}", name_en=f"Test indicator {n}",
                                             order=200 + n) for n in range(indicators)])
    Economy.objects.bulk_create([Economy(code=f"Q{n:02d}", name_en=f"Economy {n}")
                                 for n in range(40)])
    with_data = list(Indicator.objects.order_by("pk")[:8])
    economies = list(Economy.objects.all())
    Observation.objects.bulk_create([
        Observation(indicator=i, economy=e, year=year, value=f"{year - 1900}.{e.pk % 10}",
                    batch=batch)
        for i in with_data for e in economies for year in (*range(1950, 1960), 2026, 2027)],
        ignore_conflicts=True)
    Flag.objects.bulk_create([Flag(indicator=i, economy=e, year=2027, kind="estimate")
                              for i in with_data for e in economies[:30]])


def count_queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_a_cached_page_costs_one_query(client, url, django_assert_num_queries):
    client.get(url)
    with django_assert_num_queries(1):  # the data stamp
        assert client.get(url).status_code == 200


def test_an_import_in_another_process_shows_on_the_next_request(client):
    url = reverse("indicators:profile", args=["TON"])
    assert ">61.7<" in client.get(url).content.decode()
    # What the importer does, without its hook (another process would not run it here).
    batch = ImportBatch.objects.create(status=ImportBatch.Status.APPLIED, file_name="new.csv",
                                       sha256="1" * 64, vintage="2026-08-01")
    ImportTransition.objects.create(batch=batch, from_status=ImportBatch.Status.PREVIEWED,
                                    to_status=ImportBatch.Status.APPLIED)
    Observation.objects.filter(indicator__code=MOBILE, economy__code="TON", year=2022).update(
        value="70.04", batch=batch)
    html = client.get(url).content.decode()
    assert ">70.0<" in html and ">61.7<" not in html
    assert "2026-08-01" in html


def test_a_new_flag_shows_on_the_next_request(client):
    url = reverse("indicators:indicator", args=[MOBILE])
    assert "<td>61.7</td>" in client.get(url).content.decode()  # Tonga 2022
    Flag.objects.create(indicator=Indicator.objects.get(code=MOBILE),
                        economy=Economy.objects.get(code="TON"), year=2022, kind="estimate")
    assert "<td>61.7<sup>*</sup></td>" in client.get(url).content.decode()


def test_the_importers_hook_renews_the_stamp():
    before = series.data_stamp()
    series.data_changed()
    assert series.data_stamp() != before


def test_the_fetch_reads_only_the_economies_and_years_shown():
    mobile = Indicator.objects.get(code=MOBILE)
    ton, wld = Economy.objects.get(code="TON"), Economy.objects.get(code="WLD")
    lines = series.fetch([mobile.pk], [ton.pk, wld.pk], 2015, 2020)
    assert set(lines) == {(mobile.pk, ton.pk), (mobile.pk, wld.pk)}
    assert all(set(line.values) <= set(range(2015, 2021)) for line in lines.values())
    assert str(lines[mobile.pk, ton.pk].values[2019].value) == "58.772203768371"
    assert lines[mobile.pk, ton.pk].values[2019].marks == ()  # 102.2 → 58.8: not below half


def test_each_anonymous_reader_of_a_kept_page_gets_a_working_csrf_token():
    from django.test import Client

    url = reverse("indicators:profile", args=["TON"])
    tokens = []
    for _ in range(2):
        reader = Client(enforce_csrf_checks=True)
        html = reader.get(url).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        assert "csrf-token-of-this-reader" not in html
        response = reader.post(reverse("set_language"),
                               {"language": "fr", "next": url, "csrfmiddlewaretoken": token})
        assert response.status_code == 302
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_a_message_waiting_is_shown_not_kept(client):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse
    from django.test import Client

    url = reverse("indicators:dashboard")
    client.get(url)  # the page is kept for anonymous readers
    storage, carrier = CookieStorage(HttpRequest()), HttpResponse()
    storage.add(constants.INFO, "A message for this reader only")
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    assert "A message for this reader only" in client.get(url).content.decode()
    assert "A message for this reader only" not in Client().get(url).content.decode()


# --- On grown data: these tests come last (see the module's docstring) ----------------------


@dataclass
class Grown:
    client: Client  # anonymous, the one that measured `before`
    before: dict[str, int]  # each page's queries on the bundled data


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker) -> Iterator[Grown]:
    """Every page measured on the bundled data, then the data grown once for the module (in a
    transaction rolled back at its end): growing costs seconds, once per case it added up."""
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            client = Client()
            before = {url: count_queries(client, url) for url in PAGES}
            grow_indicators_data()  # 60 more indicators: the selector stays small
        yield Grown(client, before)


@pytest.mark.parametrize("url", [PAGES[0], PAGES[2]])
def test_the_dashboard_and_a_profile_are_within_the_size_budgets(grown, client, url):
    html = client.get(url).content.decode()
    svgs = SVG.findall(html)
    assert svgs
    assert gz(SVG.sub("", html)) + len(CSS) <= 14 * 1024
    for svg in svgs:
        assert gz(svg) <= 10 * 1024


@pytest.mark.parametrize("url", PAGES)
def test_queries_are_constant_as_the_data_grows(grown, url):
    before = grown.before[url]
    assert count_queries(grown.client, url) == before
    assert before <= 10
