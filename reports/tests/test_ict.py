"""The ICT development report: compiled from the indicators (the bundled WDI starter data) and
written as a Document in English and French."""

import datetime
import gzip
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Economy, Flag, ImportBatch, Indicator, Observation
from reports import ict
from reports.document import Chart, Paragraph, Table
from reports.models import Report

pytestmark = pytest.mark.django_db  # the bundled WDI data is starter data

MOBILE = "IT.CEL.SETS.P2"
FIRST, LAST = 2018, 2023
SPANS = (1, 5, 10)


@pytest.fixture
def report(group):
    return Report.objects.create(
        group=group, level=Report.Level.PUBLIC, kind=Report.Kind.ICT,
        title_en="ICT development in the Pacific, 2018–2023",
        title_fr="Le développement des TIC dans le Pacifique, 2018–2023",
        period_start=datetime.date(FIRST, 1, 1), period_end=datetime.date(LAST, 12, 31),
        narrative_en="Mobile use **grew** in most PICTs.")


def compile_frozen(report: Report) -> tuple[dict, list[str]]:
    """The data as a run keeps it (through JSON), and the progress messages."""
    steps: list[str] = []
    data = ict.compile_ict(report, steps.append)
    return json.loads(json.dumps(data)), steps


@pytest.fixture
def data(report):
    return compile_frozen(report)[0]


def observed(code: str, economy: str, first: int = FIRST - 10, last: int = LAST) -> dict:
    """{year: value} read straight from the observations."""
    return dict(Observation.objects.filter(indicator__code=code, economy__code=economy,
                                           year__gte=first, year__lte=last)
                .values_list("year", "value"))


def entry_of(data: dict, code: str = MOBILE) -> dict:
    return next(e for e in data["indicators"] if e["code"] == code)


def pict_of(entry: dict, code: str) -> dict:
    return next(p for p in entry["picts"] if p["code"] == code)


def section(doc, anchor: str):
    return next(s for s in doc.sections if s.anchor == anchor)


def ranking_row(doc, code: str, economy: str) -> list[str]:
    ranking = [b for b in section(doc, ict.indicator_anchor(code)).blocks
               if isinstance(b, Table)][-1]
    return next(row for row in ranking.rows if row[1] == economy)


def one_decimal(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def exact_median(values: list[Decimal]) -> Decimal:
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(values) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# --- The data -------------------------------------------------------------------------------


def test_progress_is_called_once_per_indicator(report):
    data, steps = compile_frozen(report)
    assert len(steps) == ict.step_count(report) == Indicator.objects.count() == 5
    assert [e["code"] for e in data["indicators"]] == list(
        Indicator.objects.values_list("code", flat=True))
    assert steps[1].startswith(MOBILE)


def test_the_compiled_values_are_the_observations(data):
    picts = list(Economy.objects.filter(kind=Economy.Kind.PICT).values_list("code", flat=True))
    assert sorted(data["picts"]) == sorted(picts) and len(picts) == 22
    assert data["comparators"] == ["PSS", "EAS", "EAP", "WLD"]
    checked = 0
    for entry in data["indicators"]:
        for row in [*entry["picts"], *entry["comparators"]]:
            expected = observed(entry["code"], row["code"], FIRST, LAST)
            assert {v["year"]: Decimal(v["value"]) for v in row["values"]} == expected
            # Exactly as published: the stored text, not a float's.
            assert [v["value"] for v in row["values"]] == [
                str(expected[y]) for y in sorted(expected)]
            latest = max(expected, default=None)
            assert (row["latest"]["year"] if row["latest"] else None) == latest
            checked += len(expected)
    assert checked > 150


def test_tonga_mobile_2022_is_exact_in_the_data_and_rounded_in_the_document(report, data):
    tonga = pict_of(entry_of(data), "TON")
    assert tonga["latest"] == {"year": 2022, "value": "61.7257858761257", "marks": []}
    english = ict.document(report, data, "en")
    assert ranking_row(english, MOBILE, "Tonga")[2:4] == ["2022", "61.7"]
    country = section(english, "country-TON").blocks[0]
    assert country.rows[1][:3] == ["Mobile cellular subscriptions (per 100 people)", "61.7",
                                   "2022"]
    french = ict.document(report, data, "fr")
    assert ranking_row(french, MOBILE, "Tonga")[2:4] == ["2022", "61,7"]


def test_cook_islands_has_no_data_in_words_and_comes_last(report, data):
    for entry in data["indicators"]:
        cook = pict_of(entry, "COK")
        assert cook["latest"] is None and cook["values"] == []
        assert all(c["absolute"] is None for c in cook["changes"])
    doc = ict.document(report, data, "en")
    ranking = [b for b in section(doc, ict.indicator_anchor(MOBILE)).blocks
               if isinstance(b, Table)][-1]
    cook = ranking.rows.index(ranking_row(doc, MOBILE, "Cook Islands"))
    ranked = [i for i, row in enumerate(ranking.rows) if row[0]]
    assert ranking.rows[cook][3] == "no data" and ranking.rows[cook][0] == ""
    assert cook > max(ranked)
    for row in section(doc, "country-COK").blocks[0].rows:
        assert row[1] == "no data"
        assert not any(cell.strip("+−-").startswith("0") for cell in row[1:])
    french = ict.document(report, data, "fr")
    assert all(row[1] == "pas de données" for row in section(french, "country-COK").blocks[0].rows)


def test_the_pacific_is_the_median_of_the_picts(data):
    picts = data["picts"]
    for entry in data["indicators"]:
        series = {code: observed(entry["code"], code, FIRST, LAST) for code in picts}
        latest = {code: found[max(found)] for code, found in series.items() if found}
        pacific = entry["pacific"]
        assert pacific["n"] == len(latest)
        assert pacific["years"] == sorted({max(f) for f in series.values() if f})
        if latest:
            assert Decimal(pacific["value"]) == exact_median(list(latest.values()))
        else:
            assert pacific["value"] is None
        by_year = {m["year"]: m for m in entry["pacific_by_year"]}
        for year in range(FIRST, LAST + 1):
            values = [found[year] for found in series.values() if year in found]
            if values:
                assert Decimal(by_year[year]["value"]) == exact_median(values)
                assert by_year[year]["n"] == len(values)
            else:
                assert year not in by_year
    assert entry_of(data)["pacific"]["n"] == 14


def test_growth_figures_are_differences_of_observations(data):
    figures = 0
    for entry in data["indicators"]:
        region, world = observed(entry["code"], "PSS"), observed(entry["code"], "WLD")
        for pict in entry["picts"]:
            if not pict["latest"]:
                continue
            values = observed(entry["code"], pict["code"])
            year = pict["latest"]["year"]
            for change in pict["changes"]:
                base = year - change["span"]
                if base in values:
                    assert Decimal(change["absolute"]) == values[year] - values[base]
                    assert change["base_year"] == base
                    figures += 1
                else:
                    assert change["absolute"] is None
            for gap, reference in ((pict["gap_region"], region), (pict["gap_world"], world)):
                if year in reference:
                    assert Decimal(gap) == values[year] - reference[year]
                    figures += 1
                else:
                    assert gap is None
    assert figures > 50
    tonga = pict_of(entry_of(data), "TON")
    assert tonga["changes"][0]["absolute"] == str(
        Decimal("61.7257858761257") - observed(MOBILE, "TON")[2021])


def test_fiji_mobile_2023_is_marked_as_a_jump(report, data):
    fiji = pict_of(entry_of(data), "FJI")
    assert fiji["jumps"] == [2023]
    assert "jump" in fiji["latest"]["marks"] and fiji["latest"]["year"] == 2023
    assert pict_of(entry_of(data), "TON")["jumps"] == []
    row = ranking_row(ict.document(report, data, "en"), MOBILE, "Fiji")
    assert row[0] == "1" and "‡" in row[3] and "‡ 2023" in row[-1]


def test_flags_of_the_period_are_in_the_data_and_the_document(report, data):
    tonga, mobile = Economy.objects.get(code="TON"), Indicator.objects.get(code=MOBILE)
    Flag.objects.create(indicator=mobile, economy=tonga, year=2022, kind=Flag.Kind.ESTIMATE)
    Flag.objects.create(indicator=mobile, economy=tonga, year=2010, kind=Flag.Kind.BREAK)
    data = compile_frozen(report)[0]
    assert pict_of(entry_of(data), "TON")["flags"] == [{"year": 2022, "kind": "estimate"}]
    row = ranking_row(ict.document(report, data, "en"), MOBILE, "Tonga")
    assert row[3] == "61.7 *" and row[-1] == "* 2022"


# --- The document ---------------------------------------------------------------------------


def test_the_document_has_a_section_per_indicator_and_per_country(report, data):
    doc = ict.document(report, data, "en")
    top = [s for s in doc.sections if s.level == 1]
    indicators = list(Indicator.objects.all())
    assert [s.anchor for s in top] == [
        "summary", "narrative", *(ict.indicator_anchor(i.code) for i in indicators),
        "country-tables"]
    assert [s.heading for s in top[2:-1]] == [i.name_en for i in indicators]
    assert section(doc, "indicator-IT-CEL-SETS-P2").heading == "Mobile cellular subscriptions"
    countries = [s for s in doc.sections if s.level == 2]
    assert len(countries) == 22
    assert doc.sections.index(top[-1]) < doc.sections.index(countries[0])
    assert {s.anchor for s in countries} == {f"country-{code}" for code in data["picts"]}
    for country in countries:
        table = country.blocks[0]
        assert [row[0].split(" (")[0] for row in table.rows] == [i.name_en for i in indicators]
        assert len(table.header) == 8
    assert doc.title == report.title_en and doc.language == "en"
    assert doc.address.endswith(report.get_absolute_url())


def test_the_narrative_is_markdown_and_an_empty_summary_is_marked_to_write(report, data):
    doc = ict.document(report, data, "en")
    summary, narrative = section(doc, "summary"), section(doc, "narrative")
    assert summary.blocks == [Paragraph("The secretariat has not written this part yet.",
                                        style="todo")]
    assert narrative.blocks == [Paragraph("Mobile use **grew** in most PICTs.", markdown=True)]
    # The data keeps the narrative as it stood: a later edit is not in this run's document.
    report.narrative_en = "Rewritten."
    report.save()
    assert section(ict.document(report, data, "en"), "narrative").blocks == narrative.blocks


def test_the_french_document_has_french_headings_and_decimal_commas(report, data):
    doc = ict.document(report, data, "fr")
    assert doc.language == "fr" and doc.title == report.title_fr
    for indicator in Indicator.objects.all():
        assert section(doc, ict.indicator_anchor(indicator.code)).heading == indicator.name_fr
    assert section(doc, "summary").heading == "Résumé"
    assert section(doc, "country-COK").heading == "Îles Cook"
    assert section(doc, "country-FJI").heading == "Fidji"
    fiji = ranking_row(doc, MOBILE, "Fidji")
    assert fiji[3].startswith("361,0") and fiji[4] == "+249,3"
    chart_table = next(b for b in section(doc, ict.indicator_anchor(MOBILE)).blocks
                       if isinstance(b, Table))
    assert chart_table.header[:2] == ["Année", "Le Pacifique (médiane)"]
    assert "Monde" in chart_table.header
    assert all("," in row[1] and "." not in row[1] for row in chart_table.rows)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_chart_is_small_described_and_followed_by_its_table(report, data, language):
    doc = ict.document(report, data, language)
    charts = 0
    for part in doc.sections:
        for index, block in enumerate(part.blocks):
            if isinstance(block, Chart):
                charts += 1
                assert len(gzip.compress(block.svg.encode())) <= 10 * 1024
                assert block.svg.startswith("<svg") and "<title" in block.svg
                assert block.title and block.description
                assert isinstance(part.blocks[index + 1], Table)
    # The two indicators with data in the bundled files have a chart; the others say "no data".
    assert charts == 2
    assert section(doc, "indicator-IT-NET-USER-ZS").blocks[-1].style == "flag"


def test_the_chart_table_holds_the_charted_numbers(report, data):
    doc = ict.document(report, data, "en")
    blocks = section(doc, ict.indicator_anchor(MOBILE)).blocks
    chart = next(b for b in blocks if isinstance(b, Chart))
    table = blocks[blocks.index(chart) + 1]
    assert table.header == ["Year", "The Pacific (median)", "PICTs with data",
                            "Pacific island small states", "East Asia & Pacific", "World"]
    entry = entry_of(data)
    medians = {m["year"]: m for m in entry["pacific_by_year"]}
    world = observed(MOBILE, "WLD", FIRST, LAST)
    for row in table.rows:
        year = int(row[0])
        assert row[1] == one_decimal(Decimal(medians[year]["value"]))
        assert row[2] == str(medians[year]["n"])
        assert row[5] == one_decimal(world[year])
    assert [int(r[0]) for r in table.rows] == list(range(FIRST, LAST + 1))


# --- Cost -----------------------------------------------------------------------------------


def test_compiling_takes_as_many_queries_with_more_observations_and_years(report):
    with CaptureQueriesContext(connection) as before:
        compile_frozen(report)
    batch = ImportBatch.objects.create(status=ImportBatch.Status.APPLIED, file_name="more.csv",
                                       sha256="0" * 64, vintage="2026-12-01")
    economies = list(Economy.objects.filter(kind=Economy.Kind.PICT)) + list(
        Economy.objects.filter(comparator_order__gt=0))
    taken = set(Observation.objects.values_list("indicator_id", "economy_id", "year"))
    added = [Observation(indicator=indicator, economy=economy, year=year,
                         value=Decimal(year - 1960) + Decimal("0.125"), batch=batch)
             for indicator in Indicator.objects.all() for economy in economies
             for year in range(1980, LAST + 1)
             if (indicator.pk, economy.pk, year) not in taken]
    Observation.objects.bulk_create(added)
    Flag.objects.bulk_create(Flag(indicator=o.indicator, economy=o.economy, year=o.year,
                                  kind=Flag.Kind.ESTIMATE) for o in added[::7])
    report.period_start = datetime.date(1990, 1, 1)
    report.save()
    with CaptureQueriesContext(connection) as after:
        data = compile_frozen(report)[0]
    assert len(added) > 2000
    assert len(after.captured_queries) == len(before.captured_queries) <= 6
    internet = entry_of(data, "IT.NET.USER.ZS")
    assert internet["pacific"]["n"] == 22 and internet["vintages"] == ["2026-12-01"]
    assert len(internet["pacific_by_year"]) == LAST - 1990 + 1
