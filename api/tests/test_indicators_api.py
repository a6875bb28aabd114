"""The indicators API: catalogue, economies, observations (exact values, keyset paging, a
constant number of queries), SDMX-CSV, and the secretariat's imports with the bundled World
Bank files (the same files as ../shared/data/wdi/, found as the indicators tests find them)."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.models import ApiToken
from api.operations import create_token, revoke_token, token_digest
from indicators import operations
from indicators.models import Economy, Flag, ImportBatch, Indicator, Observation
from indicators.tests.import_helpers import MOBILE, bundled, published, wide_xlsx

pytestmark = pytest.mark.django_db
BROADBAND = "IT.NET.BBND.P2"
TONGA_2022 = "61.7257858761257"


@pytest.fixture
def token(people):
    def make(standing: str) -> str:
        return create_token(people[standing], "test")[1]

    return make


def _auth(secret: str | None) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}


def _get(client, name: str, params=None, secret: str | None = None, **kwargs):
    return client.get(reverse(f"api:{name}", kwargs=kwargs), params or {}, **_auth(secret))


def _all_pages(client, name: str, params: dict) -> list[dict]:
    rows, cursor, calls = [], None, 0
    while True:
        answer = _get(client, name, {**params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.content
        rows += answer.json()["results"]
        cursor = answer.json()["next"]
        calls += 1
        assert calls < 100
        if cursor is None:
            return rows


# --- Catalogue and economies ------------------------------------------------------------------

def test_an_indicator_has_its_catalogue_entry(client):
    answer = _get(client, "get_indicator", code=MOBILE)
    assert answer.status_code == 200
    body = answer.json()
    assert body["code"] == MOBILE
    assert body["name_en"] == "Mobile cellular subscriptions"
    assert body["name_fr"] == "Abonnements à la téléphonie mobile"
    assert (body["unit_en"], body["unit_fr"]) == ("per 100 people", "pour 100 personnes")
    assert body["definition_en"].startswith("Mobile cellular telephone subscriptions")
    assert body["source"] == "World Bank, World Development Indicators (ITU data)"
    assert body["licence"] == "CC BY 4.0"
    assert body["sdg_targets"] == ["9.c"]
    assert body["decimals"] == 1
    assert body["url"].endswith(f"/indicators/{MOBILE}/")


def test_an_unknown_indicator_or_economy_is_a_json_404(client):
    for name, code in (("get_indicator", "XX.NOPE"), ("get_economy", "ZZZ")):
        answer = _get(client, name, code=code)
        assert answer.status_code == 404
        assert answer.json()["code"] == "not_found"


def test_the_indicators_list_pages_through_the_whole_catalogue(client):
    rows = _all_pages(client, "list_indicators", {"limit": 2})
    assert [r["code"] for r in rows] == list(
        Indicator.objects.order_by("pk").values_list("code", flat=True))


def test_economies_are_filtered_by_kind(client):
    picts = _all_pages(client, "list_economies", {"kind": "pict", "limit": 10})
    assert len(picts) == 22
    assert {r["kind"] for r in picts} == {"pict"}
    assert "TON" in {r["code"] for r in picts}
    aggregates = {r["code"] for r in _all_pages(client, "list_economies",
                                                {"kind": "aggregate", "limit": 100})}
    assert {"PSS", "WLD"} <= aggregates and "TON" not in aggregates
    assert _get(client, "list_economies", {"kind": "planet"}).status_code == 422
    tonga = _get(client, "get_economy", code="TON").json()
    assert (tonga["code"], tonga["name_en"], tonga["kind"]) == ("TON", "Tonga", "pict")


# --- Observations -----------------------------------------------------------------------------

def test_a_value_is_the_exact_published_decimal_as_a_json_string(client):
    answer = _get(client, "list_observations",
                  {"indicator": MOBILE, "economy": "TON", "year_from": 2022, "year_to": 2022})
    assert answer.status_code == 200
    assert f'"value": "{TONGA_2022}"' in answer.content.decode().replace('":"', '": "')
    [row] = json.loads(answer.content, parse_float=Decimal)["results"]
    assert row == {"indicator": MOBILE, "economy": "TON", "year": 2022, "value": TONGA_2022,
                   "flags": [], "batch": row["batch"], "vintage": "2026-07-01"}
    assert ImportBatch.objects.get(pk=row["batch"]).status == ImportBatch.Status.APPLIED


def test_observations_carry_the_secretariats_flags(client):
    [row] = _get(client, "list_observations", {"indicator": MOBILE, "economy": "FJI",
                                                "year_from": 2023, "year_to": 2023}).json()[
        "results"]
    assert row["flags"] == ["break"]
    Flag.objects.create(indicator=Indicator.objects.get(code=MOBILE),
                        economy=Economy.objects.get(code="FJI"), year=2023, kind="estimate")
    [row] = _get(client, "list_observations", {"indicator": MOBILE, "economy": "FJI",
                                                "year_from": 2023, "year_to": 2023}).json()[
        "results"]
    assert row["flags"] == ["break", "estimate"]


def test_filters_take_repeated_parameters_and_comma_lists(client):
    expected = {(k[0], k[1], k[2]): v for k, v in {**published(MOBILE),
                                                  **published(BROADBAND)}.items()
                if k[1] in ("TON", "FJI", "WSM") and 2010 <= k[2] <= 2015}
    url = reverse("api:list_observations")
    for query in (f"indicator={MOBILE},{BROADBAND}&economy=TON&economy=FJI,wsm",
                  f"indicator={MOBILE}&indicator={BROADBAND}&economy=TON,FJI,WSM"):
        rows = []
        cursor = ""
        while True:
            answer = client.get(f"{url}?{query}&year_from=2010&year_to=2015&limit=7{cursor}")
            assert answer.status_code == 200
            rows += answer.json()["results"]
            if not answer.json()["next"]:
                break
            cursor = f"&cursor={answer.json()['next']}"
        assert {(r["indicator"], r["economy"], r["year"]): r["value"] for r in rows} == expected
        assert len(rows) == len(expected)


def test_observations_come_in_the_order_of_the_unique_constraint(client):
    rows = _all_pages(client, "list_observations",
                      {"economy": "TON,PSS,WLD", "year_from": 2000, "limit": 13})
    ids = {code: pk for code, pk in Indicator.objects.values_list("code", "pk")}
    economies = {code: pk for code, pk in Economy.objects.values_list("code", "pk")}
    keys = [(ids[r["indicator"]], economies[r["economy"]], r["year"]) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert len(keys) == Observation.objects.filter(
        economy__code__in=["TON", "PSS", "WLD"], year__gte=2000).count()


def test_unknown_codes_give_an_empty_page_and_an_empty_filter_is_none(client):
    for codes in ("XX.NOPE", "\x00", "IT.CEL.SETS.P2\x00", "<script>"):
        answer = _get(client, "list_observations", {"indicator": codes})
        assert answer.json() == {"results": [], "next": None}, codes
    assert len(_get(client, "list_observations", {"indicator": " , ", "limit": 3}).json()[
        "results"]) == 3
    for name in ("get_indicator", "get_economy"):
        assert _get(client, name, code="TO\x00N").status_code == 404


def test_bad_paging_and_years_are_json_errors_and_no_year_is_an_empty_page(client):
    assert _get(client, "list_observations", {"year_from": 2020, "year_to": 2010}).json() == {
        "results": [], "next": None}
    cases = [({"cursor": "not-a-cursor"}, 422), ({"limit": 1001}, 422), ({"limit": 0}, 422),
             ({"year_from": 1200}, 422)]
    for params, status in cases:
        answer = _get(client, "list_observations", params)
        assert answer.status_code == status, params
        assert set(answer.json()) == {"code", "message", "errors"}


def test_a_page_allows_up_to_1000_rows(client):
    answer = _get(client, "list_observations", {"limit": 1000})
    assert len(answer.json()["results"]) == 1000
    assert answer.json()["next"]


def _queries(client, params: dict, secret: str | None = None) -> int:
    """The queries of building the page (not of finding it in the cache)."""
    url = reverse("api:list_observations")
    client.get(url, params, **_auth(secret))
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url, params, **_auth(secret))
    assert answer.status_code == 200
    return len(queries)


def test_a_page_of_observations_costs_the_same_queries_whatever_its_size(client, token):
    first = _get(client, "list_observations", {"limit": 500}).json()
    small = _queries(client, {"limit": 5})
    # The rate limit's count (a row without Redis), the data stamp, the page, its flags.
    assert small == 4
    assert _queries(client, {"limit": 1000}) == small
    assert _queries(client, {"limit": 1000, "cursor": first["next"]}) == small
    # Each filter by codes resolves them once, whatever the number of codes.
    assert _queries(client, {"indicator": MOBILE, "economy": "TON", "limit": 5}) == small + 2
    assert _queries(client, {"indicator": f"{MOBILE},{BROADBAND}", "economy": "TON,FJI,WSM,PSS",
                             "year_from": 1990, "limit": 1000}) == small + 2
    # More flags and more data: still the same.
    fiji, mobile = Economy.objects.get(code="FJI"), Indicator.objects.get(code=MOBILE)
    Flag.objects.bulk_create([Flag(indicator=mobile, economy=fiji, year=y, kind="estimate")
                              for y in range(1990, 2020)])
    assert _queries(client, {"limit": 1000}) == small
    # With a token: its look-up and the viewer's standings besides, whatever the page.
    secret = token("member")
    assert _queries(client, {"limit": 1000}, secret) == _queries(client, {"limit": 5}, secret)


def test_a_page_is_kept_until_the_data_changes(client):
    params = {"indicator": MOBILE, "economy": "TON", "year_from": 2022, "year_to": 2022}
    assert _get(client, "list_observations", params).json()["results"][0]["value"] == TONGA_2022
    with CaptureQueriesContext(connection) as queries:
        assert _get(client, "list_observations", params).json()["results"][0]["value"] == (
            TONGA_2022)
    assert len(queries) == 2  # the rate limit's count (a row without Redis), the data stamp
    batch = ImportBatch.objects.get(status="applied", file_name__contains=MOBILE)
    operations.rollback_import(batch)
    assert _get(client, "list_observations", params).json()["results"] == []


# --- SDMX-CSV ---------------------------------------------------------------------------------

def _sdmx(answer) -> list[dict]:
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith("application/vnd.sdmx.data+csv; version=1.0.0")
    assert answer["Content-Disposition"].endswith('.sdmx.csv"')
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8"))))
    assert rows[0] == ["DATAFLOW", "FREQ", "REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE",
                       "UNIT_MEASURE", "OBS_STATUS"]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _reimport_shared_files() -> None:
    """Roll the starter data's two World Bank batches back and import the files again, as the
    secretariat would."""
    for batch in ImportBatch.objects.filter(status=ImportBatch.Status.APPLIED).order_by("-pk"):
        operations.rollback_import(batch)
    assert not Observation.objects.exists()
    for code in (MOBILE, BROADBAND):
        operations.apply_import(operations.preview_import(bundled(code), f"wdi_{code}_data.csv"))


def test_the_indicator_page_downloads_as_sdmx_csv_with_exact_values(client):
    _reimport_shared_files()
    rows = _sdmx(client.get(reverse("indicators:indicator_table", args=[MOBILE, "sdmx.csv"])))
    tonga = next(r for r in rows if r["REF_AREA"] == "TON" and r["TIME_PERIOD"] == "2022")
    assert tonga == {"DATAFLOW": "TALANOA:ICT_INDICATORS(1.0)", "FREQ": "A", "REF_AREA": "TON",
                     "INDICATOR": MOBILE, "TIME_PERIOD": "2022", "OBS_VALUE": TONGA_2022,
                     "UNIT_MEASURE": "per 100 people", "OBS_STATUS": "A"}
    assert {r["INDICATOR"] for r in rows} == {MOBILE}
    assert {r["REF_AREA"] for r in rows} >= {"TON", "FJI", "PSS", "WLD"}
    assert all(r["REF_AREA"] for r in rows)  # no Pacific median: not an observation
    published_values = published(MOBILE)
    for row in rows:
        assert Decimal(row["OBS_VALUE"]) == Decimal(
            published_values[(MOBILE, row["REF_AREA"], int(row["TIME_PERIOD"]))])
    # The same years as the CSV of the page.
    page_csv = list(csv.DictReader(io.StringIO(client.get(
        reverse("indicators:indicator_table", args=[MOBILE, "csv"])).content.decode())))
    assert len(rows) == len([r for r in page_csv if r["Code"]])


def test_a_break_is_obs_status_b(client):
    rows = _sdmx(client.get(reverse("indicators:indicator_table", args=[MOBILE, "sdmx.csv"]),
                            {"from": "2020", "to": "2024"}))
    status = {(r["REF_AREA"], r["TIME_PERIOD"]): r["OBS_STATUS"] for r in rows}
    assert status[("FJI", "2023")] == "B" and status[("PNG", "2023")] == "B"
    assert status[("TON", "2022")] == "A"
    assert {r["TIME_PERIOD"] for r in rows} <= {str(y) for y in range(2020, 2025)}


def test_the_country_profile_downloads_as_sdmx_csv(client):
    rows = _sdmx(client.get(reverse("indicators:profile_table", args=["TON", "sdmx.csv"])))
    tonga = next(r for r in rows if r["REF_AREA"] == "TON" and r["INDICATOR"] == MOBILE
                 and r["TIME_PERIOD"] == "2022")
    assert tonga["OBS_VALUE"] == TONGA_2022
    assert {r["REF_AREA"] for r in rows} == {"TON", "PSS", "EAS", "WLD"}


def test_the_pages_link_their_sdmx_download(client):
    for page, download in (
            (reverse("indicators:indicator", args=[MOBILE]),
             reverse("indicators:indicator_table", args=[MOBILE, "sdmx.csv"])),
            (reverse("indicators:profile", args=["TON"]),
             reverse("indicators:profile_table", args=["TON", "sdmx.csv"]))):
        assert f'href="{download}' in client.get(page).content.decode()


def test_observations_come_as_sdmx_csv_from_the_api_page_by_page(client):
    params = {"indicator": MOBILE, "economy": "TON,FJI", "limit": 50}
    url = reverse("api:observations_sdmx") + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    rows = []
    while url:
        answer = client.get(url)
        rows += _sdmx(answer)
        link = answer.get("Link")
        url = link[1:link.index(">")] if link else None
    expected = {k: v for k, v in published(MOBILE).items() if k[1] in ("TON", "FJI")}
    assert {(r["INDICATOR"], r["REF_AREA"], int(r["TIME_PERIOD"])): r["OBS_VALUE"]
            for r in rows} == expected
    assert len(rows) == len(expected)
    assert next(r for r in rows if r["REF_AREA"] == "FJI" and r["TIME_PERIOD"] == "2023")[
        "OBS_STATUS"] == "B"


# --- Imports ----------------------------------------------------------------------------------

def _upload(client, secret: str | None, data: bytes, name: str, **fields):
    return client.post(reverse("api:create_import"),
                       {"file": SimpleUploadedFile(name, data), **fields}, **_auth(secret))


def _step(client, name: str, batch_id: int, secret: str | None):
    return client.post(reverse(f"api:{name}", kwargs={"batch_id": batch_id}), **_auth(secret))


def test_imports_need_a_secretariat_token(client, token):
    data = bundled()
    assert _upload(client, None, data, "wdi_IT.CEL.SETS.P2_data.csv").status_code == 401
    for standing in ("member", "chair", "observer", "outsider"):
        answer = _upload(client, token(standing), data, "wdi_IT.CEL.SETS.P2_data.csv")
        assert answer.status_code == 403, standing
        assert answer.json()["code"] == "forbidden"
    batch = ImportBatch.objects.order_by("pk").first()
    for name in ("apply_import", "rollback_import"):
        assert _step(client, name, batch.pk, None).status_code == 401
        assert _step(client, name, batch.pk, token("member")).status_code == 403
    assert ImportBatch.objects.count() == 2  # the starter data's, untouched
    revoked = token("secretariat")
    revoke_token(ApiToken.objects.get(digest=token_digest(revoked)))
    assert _upload(client, revoked, data, "wdi_IT.CEL.SETS.P2_data.csv").status_code == 401


def test_the_secretariat_previews_applies_and_rolls_back_a_file(client, token):
    secret = token("secretariat")
    starter = ImportBatch.objects.get(status="applied", file_name__contains=MOBILE)
    operations.rollback_import(starter)
    assert not Observation.objects.filter(indicator__code=MOBILE).exists()

    answer = _upload(client, secret, bundled(), "wdi_IT.CEL.SETS.P2_data.csv",
                     source="World Bank, WDI", vintage="2026-07-01")
    assert answer.status_code == 201, answer.content
    preview = answer.json()
    report = preview["report"]
    assert preview["status"] == "previewed" and preview["source"] == "World Bank, WDI"
    assert report["new"] == len(published()) and report["changed"] == 0
    assert report["rows"] > 0 and report["values"] == len(published())
    assert report["indicators"] == [MOBILE]
    assert report["duplicates"] == 0 and report["non_numeric"] == 0
    assert report["already_applied"] is None
    assert len(report["examples"]["new"]) > 0
    assert not Observation.objects.filter(indicator__code=MOBILE).exists()  # a preview only

    applied = _step(client, "apply_import", preview["id"], secret)
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied"
    tonga = Observation.objects.get(indicator__code=MOBILE, economy__code="TON", year=2022)
    assert tonga.value == Decimal(TONGA_2022) and tonga.batch_id == preview["id"]
    batch = ImportBatch.objects.get(pk=preview["id"])
    assert batch.created_by.email == "secretariat@demo.talanoa.test"
    assert batch.transitions.last().by.email == "secretariat@demo.talanoa.test"

    again = _step(client, "apply_import", preview["id"], secret)
    assert again.status_code == 409 and again.json()["code"] == "conflict"

    rolled = _step(client, "rollback_import", preview["id"], secret)
    assert rolled.status_code == 200 and rolled.json()["status"] == "rolled_back"
    assert not Observation.objects.filter(indicator__code=MOBILE).exists()
    assert _step(client, "rollback_import", preview["id"], secret).status_code == 409
    assert _step(client, "apply_import", 999999, secret).status_code == 404


def test_an_xlsx_file_changing_values_is_reported(client, token):
    secret = token("secretariat")
    tonga = Observation.objects.get(indicator__code=MOBILE, economy__code="TON", year=2022)
    Observation.objects.filter(pk=tonga.pk).update(value="1")
    answer = _upload(client, secret, wide_xlsx(), "mobile.xlsx", indicator=MOBILE)
    assert answer.status_code == 201, answer.content
    report = answer.json()["report"]
    assert report["changed"] == 1 and report["new"] == 0
    assert report["examples"]["changed"] == [{"indicator": MOBILE, "economy": "TON",
                                              "year": 2022, "before": "1",
                                              "after": TONGA_2022}]
    assert _step(client, "apply_import", answer.json()["id"], secret).status_code == 200
    tonga.refresh_from_db()
    assert tonga.value == Decimal(TONGA_2022)


def test_a_file_the_upload_page_refuses_is_a_400(client, token):
    secret = token("secretariat")
    for data, name in ((b"not a table", "notes.txt"), (b"", "empty.csv"),
                       (b"Country Name,Country Code,Year,Value\nTonga,TON,2022,1\n",
                        "no_indicator.csv")):
        answer = _upload(client, secret, data, name)
        assert answer.status_code == 400, (name, answer.content)
        assert answer.json()["code"] == "bad_request"
    for code in ("XX.NOPE", "IT.CEL\x00"):
        answer = _upload(client, secret, bundled(), "wdi_IT.CEL.SETS.P2_data.csv",
                         indicator=code)
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["location"] == ["form", "indicator"]
    answer = client.post(reverse("api:create_import"), {"source": "no file"}, **_auth(secret))
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["location"] == ["form", "file"]
    assert ImportBatch.objects.count() == 2
