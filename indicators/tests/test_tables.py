"""talanoa.lib.tables: CSV and XLSX downloads of any table, numbers exact, no formulas."""

import csv
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from talanoa.lib.tables import Table, csv_response, csv_safe, exact_float, xlsx_response

TABLE = Table("Tonga: mobile/2022", ["Economy", "Year", "Value", "Flags"], [
    ["Tonga", 2022, D("61.7257858761257"), ""],
    ["=HYPERLINK(\"http://x\")", 2023, D("-1.5"), "@SUM(A1)"],
    ["Many digits", 2024, D("0.12345678901234567890123"), None],
])


@pytest.mark.parametrize(("value", "safe"), [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"),
                                             ("@A", "'@A"), ("\tx", "'\tx"), ("Tonga", "Tonga")])
def test_text_that_would_be_a_formula_is_neutralised(value, safe):
    assert csv_safe(value) == safe


def test_csv_keeps_numbers_exact_and_neutralises_text():
    response = csv_response(TABLE)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Tonga-mobile-2022.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == ["Economy", "Year", "Value", "Flags"]
    assert rows[1] == ["Tonga", "2022", "61.7257858761257", ""]
    assert rows[2] == ["'=HYPERLINK(\"http://x\")", "2023", "-1.5", "'@SUM(A1)"]
    assert rows[3][2] == "0.12345678901234567890123" and rows[3][3] == ""


def test_xlsx_has_numeric_cells_when_exact_and_text_otherwise():
    response = xlsx_response(TABLE)
    assert response["Content-Disposition"] == 'attachment; filename="Tonga-mobile-2022.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("Tonga", 2022, 61.7257858761257, None)
    assert D(repr(rows[1][2])) == D("61.7257858761257")
    assert rows[2][0] == "'=HYPERLINK(\"http://x\")" and rows[2][2] == -1.5
    assert rows[3][2] == "0.12345678901234567890123"  # a float would lose digits: text
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_exact_float():
    assert exact_float(D("61.7257858761257")) == 61.7257858761257
    assert exact_float(D("0.1")) == 0.1
    assert exact_float(D("0.12345678901234567890123")) is None
