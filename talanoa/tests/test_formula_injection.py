"""Formula injection (issue 11, item 3): text that a spreadsheet would run as a formula comes out
of every CSV and XLSX download neutralised, with a leading quote; numbers stay numbers.

The records' names and titles are set to formulas in the database (every text column named like
a title, a name, a place or a unit, in every app), then each download is read as the secretariat:
no CSV cell and no XLSX string starts with = + - @ tab or CR unless it is a number, no XLSX cell
is a formula, and each download holds the planted formulas, quoted.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, models, transaction
from django.db.models.functions import Cast, Concat
from openpyxl import load_workbook

from talanoa.lib.tables import Table, csv_response, csv_safe, xlsx_bytes
from talanoa.tests import test_exports
from talanoa.tests.hardening import tally

pytestmark = pytest.mark.django_db

FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "-2+3", "\t=1+1", "\r=1+1",
            '=HYPERLINK("http://x.test","y")']
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")
APPS = ("portal", "papers", "meetings", "decisions", "plan", "tasks", "advisory", "engagement",
        "directory", "members", "indicators", "reports")
TEXT_COLUMN = re.compile(r"^(title|name|acronym|short_name|venue|city|place|ministry|about|"
                         r"contact_name|organisation_name|unit|source|location|label)(_en|_fr)?$")

# Downloads besides the lists' (test_exports.LISTS): the indicators' tables and the matrix.
INDICATOR_TABLES = ["/indicators/dashboard.{fmt}", "/indicators/IT.CEL.SETS.P2.{fmt}",
                    "/indicators/TON.{fmt}"]
CSV_ONLY = ["/work/matrix.csv", "/indicators/TON.sdmx.csv", "/indicators/IT.CEL.SETS.P2.sdmx.csv"]


def test_csv_safe_quotes_every_trigger_and_keeps_numbers():
    table = Table("t", ["h"], [[f] for f in FORMULAS] + [[-2], [Decimal("-2.5")], ["plain"]])
    rows = list(csv.reader(io.StringIO(csv_response(table).content.decode())))[1:]
    assert [r[0] for r in rows] == [csv_safe(f) for f in FORMULAS] + ["-2", "-2.5", "plain"]
    assert all(r[0].startswith("'") for r in rows[: len(FORMULAS)])
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells[: len(FORMULAS)]] == ["'" + f for f in FORMULAS]
    assert all(c.data_type == "s" for c in cells[: len(FORMULAS)])
    assert [c.value for c in cells[len(FORMULAS):]] == [-2, -2.5, "plain"]


def plant_formulas() -> int:
    """Every matching text column of every row becomes a formula (and the row's id, so unique
    columns stay unique). Answers how many columns were planted."""
    planted = 0
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical") or model._meta.proxy:
                continue
            for n, field in enumerate(model._meta.concrete_fields):
                if not isinstance(field, models.CharField | models.TextField) or field.choices \
                        or not TEXT_COLUMN.match(field.name):
                    continue
                room = (field.max_length or 1000) - 8
                formula = next((f for f in FORMULAS[n % len(FORMULAS):] + FORMULAS
                                if len(f) <= room), "+1")
                value = Concat(models.Value(formula + " "),
                               Cast("pk", output_field=models.CharField()),
                               output_field=models.CharField())
                try:
                    with transaction.atomic():
                        model._base_manager.update(**{field.name: value})
                    planted += 1
                except DatabaseError:  # a constraint this column must keep: leave it
                    pass
    return planted


def cells_of(path: str, response) -> list:
    if path.endswith(".xlsx") or "format=xlsx" in path:
        book = load_workbook(io.BytesIO(response.content))
        return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    return [value for row in csv.reader(io.StringIO(response.content.decode("utf-8")))
            for value in row]


def unsafe(cell) -> str | None:
    """A cell a spreadsheet would run: a formula, or text starting with a trigger that is not a
    number. None when the cell is safe."""
    if hasattr(cell, "data_type"):  # XLSX
        if cell.data_type == "f":
            return f"formula {cell.value!r}"
        value = cell.value
        if not isinstance(value, str):
            return None
    else:
        value = cell
    if value.startswith(TRIGGERS) and not NUMBER.fullmatch(value):
        return repr(value[:40])
    return None


def test_every_export_neutralises_formulas_and_keeps_numbers(client_for):
    from indicators.models import Observation

    paths = []  # (before the titles change: a cycle's page is found by its proposal's title)
    for page in test_exports.LISTS:
        path = test_exports._path(page)
        paths += [test_exports._with(path, format="csv"), test_exports._with(path, format="xlsx")]
    paths += [p.format(fmt=fmt) for p in INDICATOR_TABLES for fmt in ("csv", "xlsx")]
    paths += CSV_ONLY
    planted = plant_formulas()
    assert planted >= 30, planted
    call_command("rebuild_search_index", verbosity=0)  # update() sent no signals
    # A negative number must stay a number.
    tonga = Observation.objects.filter(economy__code="TON", indicator__code="IT.CEL.SETS.P2")
    tonga.filter(year=tonga.order_by("-year").values("year")[:1]).update(value=Decimal("-2.5"))

    client = client_for("secretariat")

    found: dict[str, list[str]] = {}
    quoted = 0
    without_formulas = []
    negative = {}
    for path in paths:
        if path.startswith("/search/"):  # the planted words, not the demo's
            path = path.replace("q=meeting", "q=calc")
        response = client.get(path)
        assert response.status_code == 200, path
        cells = cells_of(path, response)
        bad = [problem for cell in cells if (problem := unsafe(cell))]
        tally("exports checked")
        if bad:
            found[path] = bad
        values = [getattr(cell, "value", cell) for cell in cells]
        neutralised = sum(isinstance(v, str) and v.startswith("'") and v[1:].startswith(TRIGGERS)
                          for v in values)
        quoted += neutralised
        if not neutralised:
            without_formulas.append(path)
        if "/TON." in path:
            negative[path] = [v for v in values if v in (-2.5, "-2.5")]
    bad = sum(len(v) for v in found.values())
    tally("payloads tried", quoted + bad)  # each formula cell met in a download
    tally("payloads unescaped", bad)
    print(f"\nformula injection: {planted} columns planted, {len(paths)} downloads checked,"
          f" {quoted} formula cells neutralised")
    assert not found, found
    # Every download shows some planted text.
    assert not without_formulas, without_formulas
    assert negative and all(negative.values()), negative
    for path, values in negative.items():
        if path.endswith("xlsx"):
            assert values == [-2.5] * len(values), path
