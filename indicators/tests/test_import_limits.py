"""An import refuses files beyond its limits (bytes, rows, values) at once, saying so in the
reader's language and storing nothing; the files it takes are read outside the write lock.

Issue 25, L8: a 300,000-row workbook was read to its end (a minute), then answered 500.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from indicators import operations
from indicators.importing import MAX_BYTES, MAX_ROWS, MAX_VALUES, _row_tags, read_table
from indicators.models import ImportBatch, Observation
from indicators.tests.import_helpers import MOBILE, bundled, long_csv, wide_csv

pytestmark = pytest.mark.django_db
HUGE_ROWS = 300_000
PACIFIC = ["FJI", "TON", "WSM", "VUT"]  # economies of the starter data
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_xlsx(path: Path, rows: int) -> Path:
    """A workbook of a long table, `rows` rows with its header, written as its XML: openpyxl's
    write-only mode took 30 s for 300,000 rows on this machine, this takes one. Like
    openpyxl's write-only files it declares no size, which is what made openpyxl read a whole
    sheet before giving its first row. Each (economy, year) is unique up to 804 data rows."""
    cells = ['<row r="1"><c r="A1" t="inlineStr"><is><t>Country Name</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>Country Code</t></is></c>'
             '<c r="C1" t="inlineStr"><is><t>Year</t></is></c>'
             '<c r="D1" t="inlineStr"><is><t>Value</t></is></c></row>']
    for n in range(2, rows + 1):
        code = PACIFIC[n % 4]
        cells.append(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{code}</t></is></c>'
                     f'<c r="B{n}" t="inlineStr"><is><t>{code}</t></is></c>'
                     f'<c r="C{n}"><v>{1900 + (n // 4) % 201}</v></c>'
                     f'<c r="D{n}"><v>{n}.5</v></c></row>')
    sheet = (f'<worksheet xmlns="{MAIN}"><sheetData>' + "".join(cells)
             + "</sheetData></worksheet>")
    parts = {
        "[Content_Types].xml":
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels":
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE_RELS}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


@pytest.fixture(scope="module")
def huge_xlsx(tmp_path_factory) -> bytes:
    return write_xlsx(tmp_path_factory.mktemp("l8") / "huge.xlsx", HUGE_ROWS).read_bytes()


def _upload(client, data: bytes, name: str, **extra):
    return client.post(reverse("indicators:imports"),
                       {"file": SimpleUploadedFile(name, data), "indicator": MOBILE}, **extra)


def _state() -> tuple[int, int, int]:
    return (ImportBatch.objects.count(), Observation.objects.count(),
            sum(Observation.objects.values_list("pk", flat=True)))


def test_the_limits_fit_the_real_files_with_room():
    # The World Bank's file of one indicator for every economy since 1960: ~17,000 rows long.
    for code in (MOBILE, "IT.NET.BBND.P2"):
        data = bundled(code)
        assert len(data) * 10 < MAX_BYTES and len(data.splitlines()) < MAX_ROWS * 0.7
        table = read_table(data, f"{code}.csv", known_indicators=[code])
        assert table.values_read < MAX_VALUES * 0.6
        assert read_table(wide_csv(code), "wide.csv", known_indicators=[code]).values


def test_a_300000_row_workbook_is_refused_at_once_in_the_readers_language(client_for,
                                                                          huge_xlsx):
    client = client_for("secretariat")
    before = _state()
    started = time.perf_counter()
    response = _upload(client, huge_xlsx, "wdi_all.xlsx")
    elapsed = time.perf_counter() - started
    print(f"\n300,000-row XLSX ({len(huge_xlsx):,} bytes) refused in {elapsed:.2f} s")
    page = response.content.decode()
    assert response.status_code == 400
    assert f"This file has more than {MAX_ROWS:,} rows" in page
    assert "Nothing was imported." in page
    assert _state() == before
    assert elapsed < 10, elapsed  # it was a minute, then a 500; about 0.1 s now

    client.cookies["django_language"] = "fr"
    page = _upload(client, huge_xlsx, "wdi_all.xlsx", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    translation.deactivate()  # the request left French active in this thread
    assert "Ce fichier compte plus de" in page and "Rien n’a été importé." in page
    assert _state() == before


def test_a_workbook_at_the_row_limit_imports_and_one_row_more_is_refused(client_for, settings,
                                                                         tmp_path):
    settings.INDICATOR_IMPORT_MAX_ROWS = 800
    client = client_for("secretariat")
    before = _state()
    refused = _upload(client, write_xlsx(tmp_path / "over.xlsx", 801).read_bytes(), "o.xlsx")
    assert refused.status_code == 400 and "more than 800 rows" in refused.content.decode()
    assert _state() == before

    response = _upload(client, write_xlsx(tmp_path / "at.xlsx", 800).read_bytes(), "at.xlsx")
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert (batch.report["rows"], batch.report["values"]) == (799, 799)
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("indicators:import_step", args=[batch.pk]), {"step": "apply"})
    batch.refresh_from_db()
    # In bulk: one statement per table for these 799 values (a few dozen queries in all).
    assert len(queries) < 60, len(queries)
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.report["new"] + batch.report["changed"] == 799
    assert Observation.objects.filter(batch=batch).count() == 799


def test_row_tags_are_counted_exactly_across_the_reads():
    # Tags cut by the 64 KB reads at every place; prefixed tags count, lookalikes do not.
    unit = '<row r="1"/><x:row r="2"><c/></x:row><row\nr="3">'
    noise = "<rowFields/><rows/><c><t>&lt;row </t></c>" * 2000
    for shift in range(len(unit) + 1):
        xml = ("-" * shift + noise + unit * 3000 + noise).encode()
        assert _row_tags(io.BytesIO(xml), 10**6) == 9000, shift
    assert 100 < _row_tags(io.BytesIO(xml), 100) < 9000  # stops once past the limit


def test_a_csv_past_the_row_limit_is_refused_without_reading_on(settings):
    settings.INDICATOR_IMPORT_MAX_ROWS = 3
    rows = ["Tonga,TON,2020,1", "Tonga,TON,2021,2", "Tonga,TON,2022,3"]
    # (a French request earlier in this worker leaves French active in its thread)
    with translation.override("en"), pytest.raises(ValidationError, match="more than 3 rows"):
        read_table(long_csv(rows), "x.csv", known_indicators=[], indicator_code=MOBILE)
    assert read_table(long_csv(rows[:2]), "x.csv", known_indicators=[],
                      indicator_code=MOBILE).values_read == 2


def test_a_wide_file_of_too_many_values_is_refused(client_for, settings):
    settings.INDICATOR_IMPORT_MAX_VALUES = 1000  # the wide file holds 13,000-odd
    before = _state()
    response = _upload(client_for("secretariat"), wide_csv(), "wide.csv")
    assert response.status_code == 400
    assert "This file holds more than 1,000 values" in response.content.decode()
    assert _state() == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(client_for, settings):
    settings.INDICATOR_IMPORT_MAX_BYTES = 512 * 1024
    data = bundled()  # 440 KB: taken; with a megabyte of blank lines, not
    assert _upload(client_for("secretariat"), data, "IT.CEL.SETS.P2.csv").status_code == 302
    before = _state()
    response = _upload(client_for("secretariat"), data + b"\n" * 2**20, "IT.CEL.SETS.P2.csv")
    assert response.status_code == 400
    assert "This file is larger than 0.5 MB" in response.content.decode()
    assert _state() == before


def test_applying_reads_the_file_before_taking_the_write_lock(monkeypatch):
    """On SQLite a transaction holds the only write lock from its BEGIN: the file's reading (the
    slow part) happens before it, and the writes inside are in bulk."""
    batch = operations.preview_import(long_csv(["Tonga,TON,2022,62.5", "Fiji,FJI,2022,1"]),
                                      "IT.CEL.SETS.P2.csv")
    depth = len(connection.atomic_blocks)  # the test's own transaction
    seen = []

    def reading(*args, **kwargs):
        seen.append(len(connection.atomic_blocks))
        return read_table(*args, **kwargs)

    monkeypatch.setattr(operations, "read_table", reading)
    operations.apply_import(batch)
    assert seen == [depth]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED


def test_observations_may_be_deleted_in_bulk_without_their_signals():
    """`operations._delete` removes observations with plain DELETEs: safe only while nothing
    refers to an observation (no cascade to run) and no history is kept of them."""
    from indicators.models import Observation

    assert [r.related_model for r in Observation._meta.related_objects] == []
    assert not hasattr(Observation, "history")
