"""Reading the World Bank's layouts: long and wide, CSV and XLSX, preamble, byte-order mark."""

import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from indicators import operations
from indicators.catalogue import WDI_FILES
from indicators.importing import read_table
from indicators.models import ImportBatch, Observation
from indicators.tests.import_helpers import (
    MOBILE,
    bundled,
    long_csv,
    long_xlsx,
    published,
    wide_csv,
    wide_xlsx,
)

KNOWN = [MOBILE, "IT.NET.BBND.P2"]


def _texts(table) -> dict:
    return {key: str(value) for key, value in table.values.items()}


def _stored_text(observation: Observation) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {Observation._meta.db_table} WHERE id = %s",
                       [observation.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_bundled_files_import_as_published():
    for batch in ImportBatch.objects.filter(status=ImportBatch.Status.APPLIED):
        operations.rollback_import(batch)  # the starter data imported them: start empty
    assert not Observation.objects.exists()
    started = time.perf_counter()
    for path in WDI_FILES:
        operations.apply_import(operations.preview_import(path.read_bytes(), path.name))
    elapsed = time.perf_counter() - started
    assert elapsed < 10, elapsed

    tonga = Observation.objects.get(indicator__code=MOBILE, economy__code="TON", year=2022)
    assert tonga.value == Decimal("61.7257858761257")
    assert _stored_text(tonga) == "61.7257858761257"
    assert not Observation.objects.filter(economy__code="COK").exists()  # no data, not 0
    samoa = Observation.objects.get(indicator__code=MOBILE, economy__code="ASM", year=1960)
    assert samoa.value == 0 and _stored_text(samoa) == "0"
    assert Observation.objects.count() == sum(len(published(code)) for code in KNOWN)


@pytest.mark.parametrize("variant", [
    "wide", "wide with preamble", "wide with BOM", "wide with preamble and BOM",
    "wide without trailing comma", "long XLSX", "wide XLSX"])
def test_every_layout_gives_the_published_values(variant):
    data = {
        "wide": lambda: wide_csv(),
        "wide with preamble": lambda: wide_csv(preamble=True),
        "wide with BOM": lambda: wide_csv(bom=True),
        "wide with preamble and BOM": lambda: wide_csv(preamble=True, bom=True),
        "wide without trailing comma": lambda: wide_csv(trailing_comma=False),
        "long XLSX": lambda: long_xlsx(),
        "wide XLSX": lambda: wide_xlsx(),
    }[variant]()
    table = read_table(data, f"API_{MOBILE}_DS2_en_csv_v2_123.csv", known_indicators=KNOWN)
    assert _texts(table) == published(MOBILE)
    assert table.non_numeric == table.bad_years == table.duplicates == 0
    assert table.layout.split()[0] == ("long" if "long" in variant else "wide")
    if "preamble" in variant or variant == "wide XLSX":
        assert table.vintage == "2026-07-01"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "builder"), [
    ("API_IT.CEL.SETS.P2_DS2_en_csv_v2_1.csv", lambda: wide_csv(preamble=True, bom=True)),
    ("IT.CEL.SETS.P2.xlsx", wide_xlsx),
])
def test_a_wide_file_of_the_same_values_finds_them_all_unchanged(name, builder):
    batch = operations.preview_import(builder(), name)
    report = batch.report
    assert (report["new"], report["changed"]) == (0, 0)
    assert report["unchanged"] == len(published(MOBILE))
    assert batch.vintage == "2026-07-01"
    operations.apply_import(batch)
    assert not batch.changes.exists()


def test_the_bundled_long_file_reads_with_the_indicator_from_its_name():
    table = read_table(bundled(), "wdi_it.cel.sets.p2_data.csv", known_indicators=KNOWN)
    assert table.layout == "long CSV"
    assert _texts(table) == published(MOBILE)
    assert table.rows == len(published(MOBILE)) and table.empty_cells == 0


def test_headers_ignore_case_and_spaces_and_an_indicator_column_names_the_indicator():
    data = long_csv(["Tonga,TON,IT.NET.BBND.P2,2022, 3.5 "],
                    header=" country  NAME ,Country code,Indicator Code,YEAR,value")
    table = read_table(data, "anything.csv", known_indicators=KNOWN)
    assert _texts(table) == {("IT.NET.BBND.P2", "TON", 2022): "3.5"}


def test_the_indicator_argument_wins_over_the_file_name():
    table = read_table(long_csv(["Tonga,TON,2022,7"]), "IT.CEL.SETS.P2.csv",
                       known_indicators=KNOWN, indicator_code="IT.NET.BBND.P2")
    assert list(table.values) == [("IT.NET.BBND.P2", "TON", 2022)]


def test_values_stay_as_published_and_empty_cells_are_no_data():
    data = long_csv(["Tonga,TON,2019,123.8", "Tonga,TON,2020,0", "Tonga,TON,2021,",
                     "Tonga,TON,2022,..", "Tonga,TON,2023,101.512239575662",
                     "Tonga,TON,2024,1_000", "Tonga,TON,2025,NaN", "Tonga,TON,2026,1 000"])
    table = read_table(data, "IT.CEL.SETS.P2.csv", known_indicators=KNOWN)
    assert _texts(table) == {(MOBILE, "TON", 2019): "123.8", (MOBILE, "TON", 2020): "0",
                             (MOBILE, "TON", 2023): "101.512239575662"}
    assert table.empty_cells == 2 and table.non_numeric == 3
    assert [e["text"] for e in table.non_numeric_examples] == ["1_000", "NaN", "1 000"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"<!doctype html><html><body>Not found</body></html>", "web page"),
    (b"Country Name,Code,When,Amount\nTonga,TON,2022,1\n", "does not have the columns"),
    (b"just text\n" * 40, "No header row"),
    ("Country Name,Country Code,Year,Value\nC\xf4te,CIV,2022,1\n".encode("latin-1"), "UTF-8"),
    (b"PK\x03\x04 not really a zip", "Excel"),
    (b"Country Name,Country Code,Year,Value\n", "no data rows"),
])
def test_unreadable_files_say_why(data, message):
    with pytest.raises(ValidationError) as refused:
        read_table(data, "IT.CEL.SETS.P2.csv", known_indicators=KNOWN)
    assert message in " ".join(refused.value.messages)


def test_a_long_file_naming_no_indicator_asks_which():
    with pytest.raises(ValidationError) as refused:
        read_table(long_csv(["Tonga,TON,2022,1"]), "data.csv", known_indicators=KNOWN)
    assert "Which indicator" in refused.value.messages[0]


def test_xlsx_text_cells_read_like_csv_and_the_vintage_may_be_a_date():
    import datetime
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Last Updated Date", datetime.datetime(2026, 7, 1)])
    sheet.append([])
    sheet.append(["Country Name", "Country Code", "Indicator Name", "Indicator Code", 2020,
                  "2021", 2022.0, "2023 [YR2023]", None])
    sheet.append(["Tonga", "TON", "Mobile", MOBILE, " 123.8 ", "..", 7, "n/a", None])
    out = io.BytesIO()
    workbook.save(out)
    table = read_table(out.getvalue(), "anything.xlsx", known_indicators=KNOWN)
    assert table.vintage == "2026-07-01" and table.layout == "wide XLSX"
    assert _texts(table) == {(MOBILE, "TON", 2020): "123.8", (MOBILE, "TON", 2022): "7"}
    assert table.empty_cells == 1
    assert table.bad_year_examples == [{"row": 3, "column": "2023 [YR2023]",
                                        "text": "2023 [YR2023]"}]
